// JSON encodings of database values: exact integers, base64 binary, UTF-8 checks.
#include "sql/value_encoding.h"

#include <openssl/evp.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

namespace aurite::sql {

nlohmann::json EncodeInteger(std::int64_t value) {
  if (value > kMaxExactInteger || value < -kMaxExactInteger) return std::to_string(value);
  return value;
}

nlohmann::json EncodeUnsigned(std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(kMaxExactInteger)) return std::to_string(value);
  return value;
}

nlohmann::json EncodeIntegerText(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return EncodeInteger(value);
  std::uint64_t unsigned_value = 0;
  auto [uend, uerror] = std::from_chars(text.data(), text.data() + text.size(), unsigned_value);
  if (uerror == std::errc() && uend == text.data() + text.size()) {
    return EncodeUnsigned(unsigned_value);
  }
  return EncodeText(text);
}

nlohmann::json EncodeDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return value;
}

std::string Base64Encode(std::span<const unsigned char> bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int written = EVP_EncodeBlock(out.data(), bytes.data(), static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(written));
}

nlohmann::json EncodeBinary(std::span<const unsigned char> bytes) {
  return nlohmann::json{{"base64", Base64Encode(bytes)}};
}

nlohmann::json EncodeBinary(std::string_view bytes) {
  return EncodeBinary(
      std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

bool IsBinaryParam(const nlohmann::json& param) {
  return param.is_object() && param.size() == 1 && param.contains("base64") &&
         param["base64"].is_string();
}

StatusOr<std::string> DecodeBinaryParam(const nlohmann::json& param) {
  const std::string& text = param["base64"].get_ref<const std::string&>();
  std::string bytes(text.size() / 4 * 3 + 3, '\0');
  int written = text.size() % 4 == 0
                    ? EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()))
                    : -1;
  if (written < 0) return InvalidArgumentError("a {\"base64\": ...} parameter is not valid base64");
  // EVP_DecodeBlock counts the bytes that padding stands for.
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  bytes.resize(static_cast<std::size_t>(written) - padding);
  return bytes;
}

namespace {

// Length of the leading ASCII run of `text`, eight bytes at a time: most
// cells are ASCII and need no decoding.
std::size_t AsciiPrefix(std::string_view text) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (word & kHighBits) break;
  }
  return i;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  for (std::size_t i = AsciiPrefix(text); i < n;) {
    unsigned char c = s[i];
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid.
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

nlohmann::json EncodeText(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  return EncodeBinary(text);
}

nlohmann::json EncodeJsonText(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return EncodeText(text);
  return parsed;
}

std::size_t EncodedSize(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return value.get_ref<const std::string&>().size() + 2;
    case nlohmann::json::value_t::array: {
      // Iterated directly: items() would format every index as a key.
      std::size_t size = 2;
      for (const auto& item : value) size += EncodedSize(item) + 1;
      return size;
    }
    case nlohmann::json::value_t::object: {
      std::size_t size = 2;
      for (const auto& [key, item] : value.items()) size += key.size() + EncodedSize(item) + 4;
      return size;
    }
    case nlohmann::json::value_t::number_float:
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return 12;
    default:
      return 5;
  }
}

}  // namespace aurite::sql
