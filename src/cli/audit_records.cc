// Filtering and formatting audit log records (audit_records.h).
#include "cli/audit_records.h"

#include <ctime>

#include "host/config.h"

namespace aurite::cli {
namespace {

using Json = nlohmann::ordered_json;

Json Parse(const std::string& line) { return Json::parse(line, nullptr, false); }

bool FieldIs(const Json& record, const char* key, const std::optional<std::string>& wanted) {
  if (!wanted) return true;
  auto it = record.find(key);
  return it != record.end() && it->is_string() && it->get<std::string>() == *wanted;
}

std::string Text(const Json& value) {
  if (!value.is_string()) return value.dump();
  const std::string& text = value.get_ref<const std::string&>();
  const bool plain = !text.empty() && text.find_first_of(" \"\\=\n\t") == std::string::npos;
  return plain ? text : value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

StatusOr<std::string> SinceTime(const std::string& ago) {
  StatusOr<std::chrono::milliseconds> duration = host::ParseDuration(ago);
  if (!duration.ok()) {
    return InvalidArgumentError("--since: expected how long ago, e.g. 30m, 1h or 2d");
  }
  const auto then = std::chrono::system_clock::now() - *duration;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(then);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(text);
}

bool Matches(const std::string& line, const AuditFilter& filter) {
  if (filter.empty()) return true;
  Json record = Parse(line);
  if (!record.is_object()) return false;
  if (filter.since) {
    auto time = record.find("time");
    if (time == record.end() || !time->is_string() || time->get<std::string>() < *filter.since) {
      return false;
    }
  }
  return FieldIs(record, "principal", filter.principal) &&
         FieldIs(record, "connection", filter.connection) && FieldIs(record, "event", filter.event);
}

std::string HumanLine(const std::string& line) {
  Json record = Parse(line);
  if (!record.is_object()) return line;
  auto text_of = [&](const char* key) {
    auto it = record.find(key);
    return it == record.end() || it->is_null() ? std::string("-") : Text(*it);
  };
  std::string out =
      text_of("time") + " #" + text_of("seq") + " " + text_of("event") + " " + text_of("outcome");
  for (const auto& [key, value] : record.items()) {
    if (value.is_null() || key == "time" || key == "seq" || key == "event" || key == "outcome" ||
        key == "prev") {
      continue;
    }
    out += " " + key + "=" + Text(value);
  }
  return out;
}

}  // namespace aurite::cli
