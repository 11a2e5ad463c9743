// ReadMessageHead: nlohmann's SAX parser, stopped once the head is known.
#include "mcp/core/message_head.h"

namespace aurite::mcp {
namespace {

class HeadReader : public nlohmann::json_sax<Json> {
 public:
  MessageHead head;

  bool null() override { return Value(Json()); }
  bool boolean(bool value) override { return Value(value); }
  bool number_integer(number_integer_t value) override { return Value(value); }
  bool number_unsigned(number_unsigned_t value) override { return Value(value); }
  bool number_float(number_float_t value, const string_t&) override { return Value(value); }
  bool string(string_t& value) override { return Value(value); }
  bool binary(binary_t&) override { return Value(Json()); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) head.object = true;
    return Open();
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override {
    if (depth_ == 0) {
      head.batch = true;
      return false;
    }
    return Open();
  }
  bool end_array() override { return Close(); }
  bool key(string_t& name) override {
    if (depth_ != 1) return true;
    reading_id_ = name == "id";
    head.request = head.request || name == "method";
    head.error = head.error || name == "error";
    head.response = head.response || name == "result" || head.error;
    return !Known();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Known() const { return head.request || (head.response && head.id.has_value()); }
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
    if (depth_ == 1 && reading_id_) head.id = RequestId::FromJson(value);
    reading_id_ = false;
    return !Known();
  }

  int depth_ = 0;
  bool reading_id_ = false;
};

}  // namespace

MessageHead ReadMessageHead(std::string_view text) {
  HeadReader reader;
  (void)Json::sax_parse(text, &reader, Json::input_format_t::json, /*strict=*/false);
  return reader.head;
}

}  // namespace aurite::mcp
