// Writing JSON text directly into a buffer, for results serialized as they
// arrive (QueryLimits::rows_as_text) instead of built as trees and dumped.
//
// Contract: strings, and everything but doubles, come out exactly as the text
// mcp::Dump would produce for the same value (compact; nlohmann's escapes;
// invalid UTF-8 replaced by U+FFFD). Doubles read back as the same double,
// in nlohmann's layout; their digits are the shortest that do, where
// nlohmann's Grisu2 prints one digit more for about 1 in 1,700 doubles.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aurite::sql {

// Appends `text` as a quoted JSON string (RFC 8259 section 7): `"` and `\`
// escaped, \b \f \n \r \t short forms, other controls as \u00xx, everything
// else verbatim; each maximal invalid UTF-8 subsequence becomes one U+FFFD.
// Returns false when `text` was not valid UTF-8 (something was replaced).
bool AppendJsonString(std::string& out, std::string_view text);
// The same without the quotes: pieces of one string escaped one at a time,
// which gives the text of their concatenation when no piece splits a
// UTF-8 sequence.
bool AppendJsonEscaped(std::string& out, std::string_view text);

// Appends a double in nlohmann's layout ("2500.0", "0.25", "1e+20", "-0.0"):
// the shortest digits that read back as the same double (std::to_chars),
// placed as nlohmann places its own. Non-finite values are null, as
// nlohmann dumps them.
void AppendJsonDouble(std::string& out, double value);

// Appends, in the layout of AppendJsonDouble, a number given as the
// shortest decimal text that reads back as its double ([-]d[.d][e[+-]d],
// e.g. PostgreSQL's float8 output): what AppendJsonDouble would write for
// that double, without converting it. False, and nothing appended, when
// the text is not of that form, has more than 17 significant digits, or is
// no double (past the range of one, or lost under its smallest).
bool AppendJsonShortestDecimal(std::string& out, std::string_view text);

// Appends the compact JSON text of `value` (any JSON value), as mcp::Dump.
void AppendJsonText(std::string& out, const nlohmann::json& value);

}  // namespace aurite::sql
