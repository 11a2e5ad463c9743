// Masking: replacing the secret parts of connection strings with "****".
//
// Recognised forms: URIs with userinfo (any scheme, including SQLAlchemy
// "dialect+driver://" and "jdbc:" prefixes), Oracle thin "user/password@",
// key=value pairs whose key names a secret (libpq keyword/value with '...'
// quoting and \' escapes, ADO.NET and ODBC with ';' separators, "..." / '...'
// doubling and {...} with "}}", URI query parameters and JDBC ;-properties),
// and the percent-encoded "PWD%3D...%3B" form inside URIs.
//
// Masking errs towards hiding too much: when a value's end is ambiguous, the
// mask runs on. It never leaves part of a recognised secret visible.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aurite::security {

struct ByteSpan {
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last byte
  friend bool operator==(const ByteSpan&, const ByteSpan&) = default;
};

inline constexpr std::string_view kMask = "****";

// The spans of `text` that hold secret values, sorted and non-overlapping.
std::vector<ByteSpan> FindSecretParts(std::string_view text);

// `text` with every span from FindSecretParts replaced by kMask.
std::string MaskSecrets(std::string_view text);

// `text` with each of `spans` (sorted, non-overlapping) replaced by `replacement`.
std::string ReplaceSpans(std::string_view text, const std::vector<ByteSpan>& spans,
                         std::string_view replacement);

// Sorts `spans` and merges those that overlap or touch.
std::vector<ByteSpan> MergeSpans(std::vector<ByteSpan> spans);

// True when a key name (e.g. "Password", "api_key", "PWD") names a secret.
bool IsSecretKeyName(std::string_view name);

}  // namespace aurite::security
