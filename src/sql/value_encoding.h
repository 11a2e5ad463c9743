// Encoding of database values into JSON cells (the rules are listed in query.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace aurite::sql {

// Integers with a larger magnitude lose precision in JavaScript clients.
inline constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;

nlohmann::json EncodeInteger(std::int64_t value);
nlohmann::json EncodeUnsigned(std::uint64_t value);
// Decimal integer text from a server; text that does not parse is kept as text.
nlohmann::json EncodeIntegerText(std::string_view text);
nlohmann::json EncodeDouble(double value);
nlohmann::json EncodeBinary(std::span<const unsigned char> bytes);
nlohmann::json EncodeBinary(std::string_view bytes);
// UTF-8 text as a string; anything else as binary.
nlohmann::json EncodeText(std::string_view text);
// A JSON document as a JSON value; text that does not parse as EncodeText.
nlohmann::json EncodeJsonText(std::string_view text);

// A parameter {"base64": "..."} (the form binary values are returned in)
// binds as binary. DecodeBinaryParam fails on invalid base64.
bool IsBinaryParam(const nlohmann::json& param);
StatusOr<std::string> DecodeBinaryParam(const nlohmann::json& param);

bool IsValidUtf8(std::string_view text);
std::string Base64Encode(std::span<const unsigned char> bytes);
// Approximate length of the JSON text of `value`, for result size limits.
std::size_t EncodedSize(const nlohmann::json& value);

}  // namespace aurite::sql
