// Reading an id from the two ends of a message, without its middle.
#include "mcp/transport/oversized_message.h"

namespace aurite::mcp {
namespace {

// Follows the parse of a truncated message far enough to learn the
// top-level "id" and whether a top-level "method" (a request) or
// "result"/"error" (a response) key was seen. Stops as soon as it knows.
class HeadReader : public nlohmann::json_sax<Json> {
 public:
  std::optional<RequestId> id;
  bool request = false;
  bool response = false;

  bool null() override { return Value(Json()); }
  bool boolean(bool value) override { return Value(value); }
  bool number_integer(number_integer_t value) override { return Value(value); }
  bool number_unsigned(number_unsigned_t value) override { return Value(value); }
  bool number_float(number_float_t value, const string_t&) override { return Value(value); }
  bool string(string_t& value) override { return Value(value); }
  bool binary(binary_t&) override { return Value(Json()); }
  bool start_object(std::size_t) override { return Open(); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override { return Close(); }
  bool key(string_t& name) override {
    if (depth_ != 1) return true;
    reading_id_ = name == "id";
    request = request || name == "method";
    response = response || name == "result" || name == "error";
    return !Known();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;  // the head ends mid-message: expected
  }

 private:
  bool Known() const { return request || (response && id.has_value()); }
  bool Open() {
    ++depth_;
    reading_id_ = false;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }
  bool Value(const Json& value) {
    if (depth_ == 1 && reading_id_) id = RequestId::FromJson(value);
    reading_id_ = false;
    return !Known();
  }

  int depth_ = 0;
  bool reading_id_ = false;
};

std::optional<RequestId> IdFromTail(std::string_view tail) {
  const std::size_t at = tail.rfind("\"id\":");
  if (at == std::string_view::npos) return std::nullopt;
  // Only the top-level object's last member makes "{" + rest one object.
  std::string rest = "{";
  rest.append(tail.substr(at));
  Json parsed = Json::parse(rest, nullptr, false);
  if (!parsed.is_object() || parsed.size() != 1 || !parsed.contains("id")) return std::nullopt;
  return RequestId::FromJson(parsed["id"]);
}

}  // namespace

std::optional<RequestId> IdOfOversizedMessage(std::string_view head, std::string_view tail) {
  HeadReader reader;
  (void)Json::sax_parse(head, &reader, Json::input_format_t::json, false);
  if (reader.request) return std::nullopt;
  if (reader.id) return reader.id;
  return IdFromTail(tail);
}

}  // namespace aurite::mcp
