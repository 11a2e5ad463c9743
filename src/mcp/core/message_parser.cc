// Limit checks run as one linear pre-scan before nlohmann parses the text, so
// hostile input (deep nesting, bad UTF-8) is rejected without deep recursion.
#include "mcp/core/message_parser.h"

#include <fmt/format.h>

namespace aurite::mcp {
namespace {

// Length of the UTF-8 sequence starting with `lead`, or 0 if `lead` cannot start one.
int Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// True when the `len`-byte sequence at `p` is well-formed UTF-8 (no overlongs,
// no surrogates, nothing above U+10FFFF).
bool ValidSequence(const unsigned char* p, int len) {
  for (int i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return false;
  }
  if (len == 3) {
    if (p[0] == 0xE0 && p[1] < 0xA0) return false;
    if (p[0] == 0xED && p[1] > 0x9F) return false;
  }
  if (len == 4) {
    if (p[0] == 0xF0 && p[1] < 0x90) return false;
    if (p[0] == 0xF4 && p[1] > 0x8F) return false;
  }
  return true;
}

std::optional<RpcError> PreScan(std::string_view text, const ParseLimits& limits) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < size;) {
    const unsigned char c = bytes[i];
    if (c >= 0x80) {
      const int len = Utf8SequenceLength(c);
      if (len == 0 || i + len > size || !ValidSequence(bytes + i, len)) {
        return MakeError(error_code::kParseError,
                         fmt::format("message is not valid UTF-8 (byte offset {})", i));
      }
      i += len;
      continue;
    }
    if (in_string) {
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limits.max_depth) {
        return MakeError(error_code::kParseError,
                         fmt::format("message nests deeper than {} levels", limits.max_depth));
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
    ++i;
  }
  return std::nullopt;
}

std::optional<RequestId> UsableId(const Json& j) {
  auto it = j.find("id");
  if (it == j.end()) return std::nullopt;
  return RequestId::FromJson(*it);
}

std::variant<Message, Rejection> ClassifyResponse(Json& j) {
  auto id = UsableId(j);
  if (!id) {
    return Rejection{MakeError(error_code::kInvalidRequest, "response without a usable id"),
                     std::nullopt, false};
  }
  auto result = j.find("result");
  auto error = j.find("error");
  if ((result != j.end()) == (error != j.end())) {
    return Rejection{
        MakeError(error_code::kInvalidRequest, "response needs exactly one of result and error"),
        id, false};
  }
  if (result != j.end()) return Response{*id, RpcResult(std::move(*result))};
  return Response{*id, RpcResult(RpcError::FromJson(*error))};
}

}  // namespace

std::variant<Json, RpcError> ParseJsonText(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(error_code::kParseError,
                     fmt::format("message of {} bytes exceeds the {} byte limit", text.size(),
                                 limits.max_bytes));
  }
  if (auto error = PreScan(text, limits)) return *error;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError(error_code::kParseError, "message is not valid JSON");
  return j;
}

std::variant<Message, Rejection> ClassifyMessage(Json j) {
  if (!j.is_object()) {
    return Rejection{MakeError(error_code::kInvalidRequest, "message must be a JSON object"),
                     std::nullopt, true};
  }
  auto version = j.find("jsonrpc");
  if (version == j.end() || *version != "2.0") {
    const bool is_response = !j.contains("method");
    return Rejection{
        MakeError(error_code::kInvalidRequest, "message must have \"jsonrpc\": \"2.0\""),
        UsableId(j), !is_response};
  }
  auto method = j.find("method");
  if (method == j.end()) return ClassifyResponse(j);
  auto id_it = j.find("id");
  std::optional<RequestId> id = UsableId(j);
  if (!method->is_string()) {
    return Rejection{MakeError(error_code::kInvalidRequest, "\"method\" must be a string"), id,
                     true};
  }
  if (id_it != j.end() && !id) {
    return Rejection{
        MakeError(error_code::kInvalidRequest, "request id must be a string or an integer"),
        std::nullopt, true};
  }
  Json params;
  if (auto p = j.find("params"); p != j.end()) {
    if (!p->is_object() && !p->is_array()) {
      return Rejection{MakeError(error_code::kInvalidRequest, "\"params\" must be an object"), id,
                       id.has_value()};
    }
    params = std::move(*p);
  }
  std::string name = method->get<std::string>();
  if (id) return Request{*id, std::move(name), std::move(params)};
  return Notification{std::move(name), std::move(params)};
}

}  // namespace aurite::mcp
