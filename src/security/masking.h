// Masking: replacing the secret parts of connection strings with "****".
//
// Recognised forms: URIs with userinfo (any scheme, including SQLAlchemy
// "dialect+driver://" and "jdbc:" prefixes), Oracle thin "user/password@",
// key=value pairs whose key names a secret (libpq keyword/value with '...'
// quoting and \' escapes, ADO.NET and ODBC with ';' separators, "..." / '...'
// doubling and {...} with "}}", URI query parameters and JDBC ;-properties),
// and the percent-encoded "PWD%3D...%3B" form inside URIs. Which keys name a
// secret is crypto::IsSecretKeyName (crypto/secret_keys.h), the rule the sql
// layer's ConnectionConfig follows too.
//
// Masking errs towards hiding too much: when a value's end is ambiguous, the
// mask runs on. It never leaves part of a recognised secret visible. So a
// bare value ends at ';' only among ';'-separated pairs (its key follows a
// ';'); at the start of a line or after a blank it may be libpq's, whose
// bare values run to the next blank, ';' included.
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
// What the Redactor (redactor.h) puts in place of a secret.
inline constexpr std::string_view kRedacted = "[REDACTED]";

// The spans of `text` that hold secret values, sorted and non-overlapping.
std::vector<ByteSpan> FindSecretParts(std::string_view text);

// `text` with every span from FindSecretParts replaced by kMask.
std::string MaskSecrets(std::string_view text);

// `text` with each of `spans` (sorted, non-overlapping) replaced by `replacement`.
std::string ReplaceSpans(std::string_view text, const std::vector<ByteSpan>& spans,
                         std::string_view replacement);

// Sorts `spans` and merges those that overlap or touch.
std::vector<ByteSpan> MergeSpans(std::vector<ByteSpan> spans);

// True for a value that is already masked: kRedacted, or three or more '*'
// and nothing else ("***", kMask, "********"). Such a value hides whatever
// was there, so detection does not report it and redacting masked text
// leaves it as it is. A value that mixes asterisks with anything else
// ("****x", "p****") is not masked.
bool IsMaskedValue(std::string_view value);

// True when `text` is a database connection string of an engine Aurite
// drives (sqlite:, postgres[ql][+driver]://, mysql[+driver]://,
// mariadb[+driver]://) in which FindSecretParts finds no secret part, such as
// "sqlite:///data/app.db" or "postgresql://app@db/sales": nothing in it is
// secret, so it is shown as it is and not redacted as a whole.
bool IsSecretFreeConnectionString(std::string_view text);

// The form of a secured credential shown in place of its value: the secret
// parts replaced by kMask; a secret-free connection string as it is; any
// other value (an API key, say) wholly as kMask, since all of it is secret.
std::string MaskedCredential(std::string_view secret);

}  // namespace aurite::security
