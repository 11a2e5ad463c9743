// Recognising connection strings in tool arguments, with RE2 and the
// masking rules of the security layer.
#include "host/gateway_arguments.h"

#include <re2/re2.h>

#include "security/masking.h"

namespace aurite::host {
namespace {

std::string_view Trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// A URI has a scheme and no white space.
const RE2& UriForm() {
  static const RE2 form(R"([A-Za-z][A-Za-z0-9+.\-]*:\S+)");
  return form;
}

// Nothing but keyword=value pairs, separated by white space or ';', with
// the quoting of libpq ('...' with \'), ODBC ({...} with }}) and ADO.NET
// ("..." with "").
const RE2& KeywordForm() {
  static const RE2 form(
      R"((?:[A-Za-z_][A-Za-z0-9_ .\-]*=\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"]|"")*"|\{(?:[^}]|\}\})*\}|[^\s;'"{}]*)\s*;?\s*)+)");
  return form;
}

std::optional<std::string> Find(const mcp::Json& value, const std::string& path) {
  if (value.is_string()) {
    if (IsRawConnectionString(value.get_ref<const std::string&>())) return path;
    return std::nullopt;
  }
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto found = Find(value[i], path + "/" + std::to_string(i))) return found;
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (auto found = Find(item, path + "/" + key)) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsRawConnectionString(std::string_view text) {
  const std::string_view trimmed = Trimmed(text);
  if (trimmed.empty() || security::FindSecretParts(trimmed).empty()) return false;
  const re2::StringPiece piece(trimmed.data(), trimmed.size());
  return RE2::FullMatch(piece, UriForm()) || RE2::FullMatch(piece, KeywordForm());
}

std::optional<std::string> FindRawConnectionString(const mcp::Json& args, std::string_view except) {
  if (!args.is_object()) return Find(args, "");
  for (const auto& [key, item] : args.items()) {
    if (key == except) continue;
    if (auto found = Find(item, key)) return found;
  }
  return std::nullopt;
}

}  // namespace aurite::host
