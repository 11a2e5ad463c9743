// Finding and masking the secret parts of connection strings.
#include "security/masking.h"

#include <algorithm>
#include <cctype>

#include "base/text.h"
#include "crypto/secret_keys.h"

namespace aurite::security {
namespace {

constexpr std::size_t npos = std::string_view::npos;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsSchemeChar(char c) { return IsAlnum(c) || c == '+' || c == '.' || c == '-'; }
bool IsKeyChar(char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '-'; }

std::size_t FindLineEnd(std::string_view text, std::size_t from) {
  std::size_t end = text.find_first_of("\r\n", from);
  return end == npos ? text.size() : end;
}

// --- URIs: scheme://user:password@host ------------------------------------

// The '@' that ends the userinfo starting at `authority`: the last one before
// `limit` (the end of the line or the next URI), so that raw '@', '/', ':'
// and spaces inside a password are still covered. A later '@' on the same line
// (an e-mail address, say) makes the mask run on, which is acceptable.
std::size_t FindUserinfoEnd(std::string_view text, std::size_t authority, std::size_t limit) {
  std::size_t at = text.substr(authority, limit - authority).rfind('@');
  return at == npos ? npos : authority + at;
}

void FindUriPasswords(std::string_view text, std::vector<ByteSpan>& spans) {
  for (std::size_t sep = text.find("://"); sep != npos; sep = text.find("://", sep + 3)) {
    std::size_t scheme = sep;
    while (scheme > 0 && IsSchemeChar(text[scheme - 1])) --scheme;
    if (scheme == sep || !IsAlpha(text[scheme])) continue;
    std::size_t authority = sep + 3;
    std::size_t limit = std::min(FindLineEnd(text, authority), text.find("://", authority));
    std::size_t at = FindUserinfoEnd(text, authority, limit);
    if (at == npos) continue;
    std::string_view userinfo = text.substr(authority, at - authority);
    std::size_t colon = userinfo.find(':');
    // A '/', '?' or '#' before any ':' means the '@' sits in a path or query.
    if (colon == npos || userinfo.find_first_of("/?#") < colon) continue;
    if (colon + 1 < userinfo.size()) spans.push_back({authority + colon + 1, at});
  }
}

// --- Oracle thin: jdbc:oracle:thin:user/password@host -----------------------

void FindOracleThinPasswords(std::string_view text, std::vector<ByteSpan>& spans) {
  std::string lower = AsciiLowercase(text);
  for (std::size_t thin = lower.find("thin:"); thin != npos; thin = lower.find("thin:", thin + 5)) {
    std::size_t start = thin + 5;
    std::size_t line_end = FindLineEnd(text, start);
    std::size_t at = text.substr(start, line_end - start).rfind('@');
    if (at == npos) continue;
    std::string_view credentials = text.substr(start, at);
    std::size_t slash = credentials.find('/');
    if (slash == npos || slash + 1 == credentials.size()) continue;
    spans.push_back({start + slash + 1, start + at});
  }
}

// --- key=value pairs --------------------------------------------------------

bool IsPairStart(char before) {
  return IsSpace(before) || before == ';' || before == '?' || before == '&' || before == '{' ||
         before == '(' || before == ',' || before == '"' || before == '\'';
}

// True when `text` at `pos` continues with whitespace and then "name=": the
// start of the next libpq keyword, which ends an unquoted value.
bool NextKeywordFollows(std::string_view text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  if (pos >= text.size() || !(IsAlpha(text[pos]) || text[pos] == '_')) return false;
  while (pos < text.size() && (IsAlnum(text[pos]) || text[pos] == '_')) ++pos;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  return pos < text.size() && text[pos] == '=';
}

// End of a value quoted with `quote`, starting at the opening quote, read
// with or without backslash escapes; doubled quotes stay inside. An
// unterminated value runs to the end of the line.
std::size_t QuotedValueEndReadAs(std::string_view text, std::size_t open, char quote,
                                 bool backslash_escapes) {
  std::size_t pos = open + 1;
  while (pos < text.size() && !IsLineEnd(text[pos])) {
    char c = text[pos];
    if (backslash_escapes && c == '\\' && pos + 1 < text.size()) {
      pos += 2;
    } else if (c == quote && pos + 1 < text.size() && text[pos + 1] == quote) {
      pos += 2;
    } else if (c == quote) {
      return pos + 1;
    } else {
      ++pos;
    }
  }
  return pos;
}

// libpq escapes with a backslash; ADO.NET and ODBC only double the quote, so
// `"a\""b"` ends after `\"` for one and runs on for the other. The mask
// takes the longer reading: hiding too much is safe, the other is a leak.
std::size_t QuotedValueEnd(std::string_view text, std::size_t open, char quote) {
  return std::max(QuotedValueEndReadAs(text, open, quote, true),
                  QuotedValueEndReadAs(text, open, quote, false));
}

// End of an ODBC {braced} value; "}}" is an escaped brace.
std::size_t BracedValueEnd(std::string_view text, std::size_t open) {
  std::size_t pos = open + 1;
  while (pos < text.size()) {
    if (text[pos] == '}' && pos + 1 < text.size() && text[pos + 1] == '}') {
      pos += 2;
    } else if (text[pos] == '}') {
      return pos + 1;
    } else {
      ++pos;
    }
  }
  return pos;
}

// `semicolons`: the pairs around the value are ';'-separated (ADO.NET,
// ODBC, JDBC properties), where ';' ends a bare value. Elsewhere the value
// may be libpq's, whose bare values end only at a blank, so a ';' inside it
// is part of the secret and the mask runs on.
std::size_t UnquotedValueEnd(std::string_view text, std::size_t start, bool in_query,
                             bool semicolons) {
  std::size_t pos = start;
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (IsLineEnd(c) || (c == ';' && (in_query || semicolons))) break;
    if (in_query && (c == '&' || IsSpace(c))) break;
    if (!in_query && (c == ' ' || c == '\t') && NextKeywordFollows(text, pos)) break;
  }
  // Trailing blanks before a ';' belong to the layout, not the value.
  while (pos > start && (text[pos - 1] == ' ' || text[pos - 1] == '\t')) --pos;
  return pos;
}

std::size_t ValueEnd(std::string_view text, std::size_t start, bool in_query, bool semicolons) {
  if (start >= text.size()) return start;
  char first = text[start];
  if (first == '\'' || first == '"') return QuotedValueEnd(text, start, first);
  if (first == '{') return BracedValueEnd(text, start);
  return UnquotedValueEnd(text, start, in_query, semicolons);
}

// True when the pair whose key starts at `key_start` follows a ';' (blanks
// allowed in between): it is one of ';'-separated pairs.
bool AfterSemicolon(std::string_view text, std::size_t key_start) {
  while (key_start > 0 && (text[key_start - 1] == ' ' || text[key_start - 1] == '\t')) --key_start;
  return key_start > 0 && text[key_start - 1] == ';';
}

// The key ending just before `equals` (blanks allowed in between), or npos.
std::size_t KeyStart(std::string_view text, std::size_t equals) {
  std::size_t end = equals;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  std::size_t start = end;
  while (start > 0 && IsKeyChar(text[start - 1])) --start;
  if (start == end) return npos;
  if (start > 0 && !IsPairStart(text[start - 1])) return npos;
  return start;
}

std::size_t KeyEnd(std::string_view text, std::size_t equals) {
  while (equals > 0 && (text[equals - 1] == ' ' || text[equals - 1] == '\t')) --equals;
  return equals;
}

void FindKeyValuePasswords(std::string_view text, std::vector<ByteSpan>& spans) {
  for (std::size_t equals = text.find('='); equals != npos; equals = text.find('=', equals + 1)) {
    std::size_t key_start = KeyStart(text, equals);
    if (key_start == npos) continue;
    if (!crypto::IsSecretKeyName(text.substr(key_start, KeyEnd(text, equals) - key_start)))
      continue;
    bool in_query = key_start > 0 && (text[key_start - 1] == '?' || text[key_start - 1] == '&');
    std::size_t start = equals + 1;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
    std::size_t end = ValueEnd(text, start, in_query, AfterSemicolon(text, key_start));
    if (end > start) spans.push_back({start, end});
    if (end > equals) equals = end - 1;
  }
}

// --- percent-encoded pairs: odbc_connect=...PWD%3Dsecret%3B... ---------------

void FindEncodedPasswords(std::string_view text, std::vector<ByteSpan>& spans) {
  std::string lower = AsciiLowercase(text);
  for (std::size_t equals = lower.find("%3d"); equals != npos;
       equals = lower.find("%3d", equals + 3)) {
    std::size_t key_start = equals;
    while (key_start > 0 && IsKeyChar(text[key_start - 1])) --key_start;
    // Skip the "%3B" or "%20" that precedes the key inside the encoded text.
    std::string_view key = text.substr(key_start, equals - key_start);
    if (key.size() > 2 && key_start >= 1 && text[key_start - 1] == '%') key.remove_prefix(2);
    if (!crypto::IsSecretKeyName(key)) continue;
    std::size_t start = equals + 3;
    std::size_t end = lower.find("%3b", start);
    std::size_t stop = std::min(text.find_first_of("& \t\r\n", start), text.size());
    end = std::min(end == npos ? text.size() : end, stop);
    if (end > start) spans.push_back({start, end});
  }
}

}  // namespace

std::vector<ByteSpan> MergeSpans(std::vector<ByteSpan> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const ByteSpan& a, const ByteSpan& b) { return a.begin < b.begin; });
  std::vector<ByteSpan> merged;
  for (const ByteSpan& span : spans) {
    if (!merged.empty() && span.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

std::vector<ByteSpan> FindSecretParts(std::string_view text) {
  std::vector<ByteSpan> spans;
  FindUriPasswords(text, spans);
  FindOracleThinPasswords(text, spans);
  FindKeyValuePasswords(text, spans);
  FindEncodedPasswords(text, spans);
  return MergeSpans(std::move(spans));
}

std::string ReplaceSpans(std::string_view text, const std::vector<ByteSpan>& spans,
                         std::string_view replacement) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (const ByteSpan& span : spans) {
    out.append(text.substr(pos, span.begin - pos));
    out.append(replacement);
    pos = span.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string MaskSecrets(std::string_view text) {
  return ReplaceSpans(text, FindSecretParts(text), kMask);
}

bool IsMaskedValue(std::string_view value) {
  if (value == kRedacted) return true;
  return value.size() >= 3 && value.find_first_not_of('*') == npos;
}

bool IsSecretFreeConnectionString(std::string_view text) {
  // One connection string on one line: anything else may hide a secret the
  // masking rules do not see.
  if (std::any_of(text.begin(), text.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return false;
  }
  std::size_t colon = text.find(':');
  if (colon == npos) return false;
  std::string scheme = AsciiLowercase(text.substr(0, colon));
  std::string base = scheme.substr(0, scheme.find('+'));
  if (base != "sqlite") {
    bool network =
        base == "postgres" || base == "postgresql" || base == "mysql" || base == "mariadb";
    if (!network || !text.substr(colon).starts_with("://")) return false;
    // Fail closed where the sql layer's parser could still find a secret the
    // masking rules do not: a password in any userinfo, or a query whose
    // percent-encoded names could spell a secret one.
    std::size_t at = text.rfind('@');
    if (at != npos && text.substr(colon + 3, at - colon - 3).find(':') != npos) return false;
    std::size_t query = text.find('?');
    if (query != npos && text.find('%', query) != npos) return false;
  }
  return FindSecretParts(text).empty();
}

std::string MaskedCredential(std::string_view secret) {
  std::vector<ByteSpan> parts = FindSecretParts(secret);
  if (!parts.empty()) return ReplaceSpans(secret, parts, kMask);
  return IsSecretFreeConnectionString(secret) ? std::string(secret) : std::string(kMask);
}

}  // namespace aurite::security
