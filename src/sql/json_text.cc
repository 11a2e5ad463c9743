// JSON string escaping that agrees byte for byte with nlohmann's dump in
// replace mode (the form mcp::Dump writes), without building a JSON value.
#include "sql/json_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "base/text.h"

namespace aurite::sql {
namespace {

// Bytes copied as they are: printable ASCII other than `"` and `\`.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

// The escape of an ASCII byte that is not plain: a short form where JSON
// has one, else \u00xx.
void AppendEscapedAscii(std::string& out, unsigned char c) {
  char short_form = 0;
  switch (c) {
    case '"':
    case '\\':
      short_form = static_cast<char>(c);
      break;
    case '\b':
      short_form = 'b';
      break;
    case '\f':
      short_form = 'f';
      break;
    case '\n':
      short_form = 'n';
      break;
    case '\r':
      short_form = 'r';
      break;
    case '\t':
      short_form = 't';
      break;
    default: {
      const char escape[] = {'\\', 'u', '0', '0', HexDigit(c >> 4), HexDigit(c & 0xF)};
      out.append(escape, sizeof escape);
      return;
    }
  }
  const char escape[] = {'\\', short_form};
  out.append(escape, sizeof escape);
}

// Whether any byte of `word` is not plain (a control, `"`, `\` or not ASCII),
// with the classic word-at-a-time tests: never a false "no".
bool HasSpecialByte(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  return ((word & kHigh) | below_space | has_zero(word ^ (kOnes * '"')) |
          has_zero(word ^ (kOnes * '\\'))) != 0;
}

// The end of the run of plain bytes from `i`, eight bytes at a time while
// they are all plain: most of a result's text is.
std::size_t PlainRunEnd(const unsigned char* s, std::size_t i, std::size_t n) {
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s + i, sizeof word);
    if (HasSpecialByte(word)) break;
  }
  while (i < n && kPlain[s[i]]) ++i;
  return i;
}

// The range the second byte of a sequence led by `lead` must fall in
// (Unicode Table 3-7, which excludes overlong forms, surrogates and values
// past U+10FFFF), and the sequence length; length 0 for a byte that cannot
// lead a sequence.
struct LeadRule {
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  int length = 0;
};

LeadRule RuleFor(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {0x80, 0xBF, 2};
  if (lead == 0xE0) return {0xA0, 0xBF, 3};
  if (lead == 0xED) return {0x80, 0x9F, 3};
  if (lead >= 0xE1 && lead <= 0xEF) return {0x80, 0xBF, 3};
  if (lead == 0xF0) return {0x90, 0xBF, 4};
  if (lead >= 0xF1 && lead <= 0xF3) return {0x80, 0xBF, 4};
  if (lead == 0xF4) return {0x80, 0x8F, 4};
  return {};
}

// Bytes at `s[0..n)` that form one valid sequence (returned as positive), or
// minus the number of bytes of its longest valid prefix, at least one: the
// bytes one U+FFFD stands for. The byte that broke the sequence is not part
// of them; it starts the next sequence.
int ScanSequence(const unsigned char* s, std::size_t n) {
  LeadRule rule = RuleFor(s[0]);
  if (rule.length == 0) return -1;
  int valid = 1;
  for (; valid < rule.length; ++valid) {
    if (static_cast<std::size_t>(valid) >= n) return -valid;
    unsigned char low = valid == 1 ? rule.low : 0x80;
    unsigned char high = valid == 1 ? rule.high : 0xBF;
    if (s[valid] < low || s[valid] > high) return -valid;
  }
  return valid;
}

}  // namespace

bool AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  bool valid = AppendJsonEscaped(out, text);
  out.push_back('"');
  return valid;
}

bool AppendJsonEscaped(std::string& out, std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  bool valid = true;
  std::size_t i = 0;
  while (i < n) {
    std::size_t run = PlainRunEnd(s, i, n);
    out.append(text.data() + i, run - i);
    i = run;
    if (i == n) break;
    if (s[i] < 0x80) {
      AppendEscapedAscii(out, s[i++]);
      continue;
    }
    int scanned = ScanSequence(s + i, n - i);
    if (scanned > 0) {
      out.append(text.data() + i, static_cast<std::size_t>(scanned));
      i += static_cast<std::size_t>(scanned);
    } else {
      out += "\xEF\xBF\xBD";
      i += static_cast<std::size_t>(-scanned);
      valid = false;
    }
  }
  return valid;
}

namespace {

// A decimal number as 0.<digits> times ten to the `point`, with neither
// leading nor trailing zeros in `digits` (none at all for zero).
struct Decimal {
  bool negative = false;
  char digits[40];
  int count = 0;
  int point = 0;
};

// Reads [-]digits[.digits][e[+-]digits]; false for anything else, or for
// more than 17 significant digits (no double needs more).
bool ParseDecimal(std::string_view text, Decimal& decimal) {
  std::size_t i = 0;
  decimal.negative = !text.empty() && text[0] == '-';
  if (decimal.negative) ++i;
  int integer_digits = 0;
  int leading_zeros = 0;
  int mantissa_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    ++mantissa_digits;
    if (!seen_point) ++integer_digits;
    if (decimal.count == 0 && c == '0') {
      ++leading_zeros;
    } else if (decimal.count == static_cast<int>(sizeof decimal.digits)) {
      return false;
    } else {
      decimal.digits[decimal.count++] = c;
    }
  }
  if (mantissa_digits == 0 || mantissa_digits > 400) return false;
  int exponent = 0;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return false;
    std::string_view rest = text.substr(i + 1);
    if (!rest.empty() && rest[0] == '+') rest.remove_prefix(1);
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), exponent);
    if (rest.empty() || error != std::errc() || end != rest.data() + rest.size()) return false;
    // Doubles end near 1e308 and 1e-324; this also keeps `point` from overflowing.
    if (exponent > 400 || exponent < -400) return false;
  }
  while (decimal.count > 0 && decimal.digits[decimal.count - 1] == '0') --decimal.count;
  decimal.point = integer_digits - leading_zeros + exponent;
  return decimal.count <= 17;
}

// nlohmann's placement of the digits: fixed notation for points in
// (-4, 15], with ".0" after a whole number; otherwise d.ddde+XX.
void AppendLayout(std::string& out, const Decimal& decimal) {
  if (decimal.negative) out.push_back('-');
  if (decimal.count == 0) {
    out += "0.0";
    return;
  }
  const char* digits = decimal.digits;
  const int count = decimal.count;
  const int point = decimal.point;
  constexpr int kMinPoint = -4;
  constexpr int kMaxPoint = 15;
  if (count <= point && point <= kMaxPoint) {
    out.append(digits, static_cast<std::size_t>(count));
    out.append(static_cast<std::size_t>(point - count), '0');
    out += ".0";
  } else if (0 < point && point <= kMaxPoint) {
    out.append(digits, static_cast<std::size_t>(point));
    out.push_back('.');
    out.append(digits + point, static_cast<std::size_t>(count - point));
  } else if (kMinPoint < point && point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out.append(digits, static_cast<std::size_t>(count));
  } else {
    out.push_back(digits[0]);
    if (count > 1) {
      out.push_back('.');
      out.append(digits + 1, static_cast<std::size_t>(count - 1));
    }
    int exponent = point - 1;
    out.push_back('e');
    out.push_back(exponent < 0 ? '-' : '+');
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out.push_back('0');
    char text[8];
    out.append(text, std::to_chars(text, text + sizeof text, magnitude).ptr);
  }
}

}  // namespace

bool AppendJsonShortestDecimal(std::string& out, std::string_view text) {
  Decimal decimal;
  if (!ParseDecimal(text, decimal)) return false;
  // Near the ends of a double's range (about 1.8e308 and 4.9e-324), only
  // converting says whether the text is a double at all: "12e367" is not,
  // and written out it would be a number no JSON reader takes for one.
  // Found by a 10-minute sql_result_fuzz run. Elsewhere no conversion.
  if (decimal.count > 0 && (decimal.point >= 308 || decimal.point <= -306)) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
      return false;
    }
  }
  AppendLayout(out, decimal);
  return true;
}

void AppendJsonDouble(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  // Shortest round-trip digits, as d[.ddd]e<exp>.
  char text[32];
  char* end = std::to_chars(text, text + sizeof text, value, std::chars_format::scientific).ptr;
  AppendJsonShortestDecimal(out, std::string_view(text, static_cast<std::size_t>(end - text)));
}

void AppendJsonText(std::string& out, const nlohmann::json& value) {
  out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace aurite::sql
