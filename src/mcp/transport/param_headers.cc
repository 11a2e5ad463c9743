// Base64 decoding is OpenSSL's; the strictness (alphabet, padding) comes
// from EVP_DecodeBlock refusing anything but whole, valid 4-character groups.
#include "mcp/transport/param_headers.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <vector>

namespace aurite::mcp {
namespace {

constexpr std::string_view kPrefix = "=?base64?";
constexpr std::string_view kSuffix = "?=";

std::string BodyText(const Json& value) {
  return value.is_string() ? value.get<std::string>() : Dump(value);
}

}  // namespace

std::optional<std::string> DecodeParamHeader(std::string_view value) {
  if (value.size() < kPrefix.size() + kSuffix.size() ||
      value.substr(0, kPrefix.size()) != kPrefix ||
      value.substr(value.size() - kSuffix.size()) != kSuffix) {
    return std::string(value);  // no wrapper: literal
  }
  const std::string_view encoded =
      value.substr(kPrefix.size(), value.size() - kPrefix.size() - kSuffix.size());
  if (encoded.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(encoded.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                                static_cast<int>(encoded.size()));
  if (n < 0) return std::nullopt;
  std::size_t length = static_cast<std::size_t>(n);
  for (std::size_t i = encoded.size(); i > 0 && encoded[i - 1] == '=' && length > 0; --i) --length;
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

std::optional<RpcError> CheckParamHeaders(
    const Json& input_schema, const Json& arguments,
    const std::function<std::string_view(const std::string&)>& header) {
  if (!input_schema.is_object() || !arguments.is_object()) return std::nullopt;
  auto properties = input_schema.find("properties");
  if (properties == input_schema.end() || !properties->is_object()) return std::nullopt;
  for (const auto& [name, property] : properties->items()) {
    if (!property.is_object()) continue;
    auto annotation = property.find("x-mcp-header");
    auto given = arguments.find(name);
    if (annotation == property.end() || !annotation->is_string() || given == arguments.end()) {
      continue;
    }
    const std::string header_name = "Mcp-Param-" + annotation->get<std::string>();
    const std::string_view raw = header(header_name);
    if (raw.empty()) {
      return MakeError(error_code::kHeaderMismatch,
                       fmt::format("argument {} needs the header {}", name, header_name));
    }
    const auto decoded = DecodeParamHeader(raw);
    if (!decoded) {
      return MakeError(error_code::kHeaderMismatch,
                       fmt::format("header {} is not valid =?base64?...?= text", header_name));
    }
    if (*decoded != BodyText(*given)) {
      return MakeError(error_code::kHeaderMismatch,
                       fmt::format("header {} does not match argument {}", header_name, name));
    }
  }
  return std::nullopt;
}

}  // namespace aurite::mcp
