// The literal-masking lexer over SQL text (statement_masking.h).
#include "security/statement_masking.h"

namespace aurite::security {
namespace {

bool IsWordChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || u >= 0x80;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Masker {
 public:
  Masker(std::string_view sql, SqlDialect dialect) : sql_(sql), dialect_(dialect) {}

  std::string Run() {
    while (i_ < sql_.size()) Step();
    return std::move(out_);
  }

 private:
  // What a backslash in a string does.
  enum class Backslash { kLiteral, kEscape, kMasksToEnd };

  char At(std::size_t at) const { return at < sql_.size() ? sql_[at] : '\0'; }
  bool mariadb() const { return dialect_ == SqlDialect::kMariaDb; }
  bool standard() const { return dialect_ == SqlDialect::kStandard; }
  // Backslashes in a plain '…' string (and MariaDB's "…"): an escape on
  // MariaDB, plain text on PostgreSQL; when the engine is not known, where
  // the string ends cannot be told, so everything after one is masked.
  Backslash PlainBackslash() const {
    if (mariadb()) return Backslash::kEscape;
    return standard() ? Backslash::kLiteral : Backslash::kMasksToEnd;
  }

  void Step() {
    const char c = sql_[i_];
    if (c == '-' && At(i_ + 1) == '-') return LineComment();
    if (c == '#' && !standard()) return LineComment();
    if (c == '/' && At(i_ + 1) == '*') return BlockComment();
    if (c == '\'') return String('\'', PlainBackslash());
    if (c == '"') return standard() ? Identifier('"') : String('"', PlainBackslash());
    if (c == '`') return Identifier('`');
    if (c == '$' && !mariadb() && DollarQuote()) return;
    if (IsDigit(c) || (c == '.' && IsDigit(At(i_ + 1)))) return Number();
    if (IsWordChar(c)) return Word();
    out_ += c;
    ++i_;
  }

  void LineComment() {
    while (i_ < sql_.size() && sql_[i_] != '\n') ++i_;
    out_ += ' ';
  }

  // PostgreSQL nests block comments; MariaDB does not, and masking to the
  // first */ there is what the server reads too.
  void BlockComment() {
    int depth = 0;
    while (i_ < sql_.size()) {
      if (sql_[i_] == '/' && At(i_ + 1) == '*') {
        ++depth;
        i_ += 2;
      } else if (sql_[i_] == '*' && At(i_ + 1) == '/') {
        i_ += 2;
        if (--depth == 0 || mariadb()) break;
      } else {
        ++i_;
      }
    }
    out_ += ' ';
  }

  // A string quoted with `quote` (doubled inside), from i_ at the quote.
  void String(char quote, Backslash backslash) {
    ++i_;
    while (i_ < sql_.size()) {
      const char c = sql_[i_];
      if (c == '\\' && backslash == Backslash::kMasksToEnd) {
        i_ = sql_.size();
      } else if (c == '\\' && backslash == Backslash::kEscape) {
        i_ += 2;
      } else if (c == quote && At(i_ + 1) == quote) {
        i_ += 2;
      } else if (c == quote) {
        ++i_;
        break;
      } else {
        ++i_;
      }
    }
    i_ = std::min(i_, sql_.size());
    out_ += '?';
  }

  void Identifier(char quote) {
    const std::size_t start = i_++;
    while (i_ < sql_.size()) {
      if (sql_[i_] == quote && At(i_ + 1) == quote) {
        i_ += 2;
      } else if (sql_[i_++] == quote) {
        break;
      }
    }
    i_ = std::min(i_, sql_.size());
    out_.append(sql_.substr(start, i_ - start));
  }

  // $tag$…$tag$ at i_: true when it was one (then masked).
  bool DollarQuote() {
    if (!out_.empty() && IsWordChar(out_.back())) return false;
    std::size_t end = i_ + 1;
    if (IsDigit(At(end))) return false;  // a placeholder: $1
    while (end < sql_.size() && IsWordChar(sql_[end]) && sql_[end] != '$') ++end;
    if (At(end) != '$') return false;
    const std::string_view tag = sql_.substr(i_, end + 1 - i_);
    const std::size_t close = sql_.find(tag, end + 1);
    i_ = close == std::string_view::npos ? sql_.size() : close + tag.size();
    out_ += '?';
    return true;
  }

  void Number() {
    while (i_ < sql_.size()) {
      const char c = sql_[i_];
      const char before = sql_[i_ - (i_ > 0 ? 1 : 0)];
      const bool exponent_sign = (c == '+' || c == '-') && (before == 'e' || before == 'E');
      if (!IsWordChar(c) && c != '.' && !exponent_sign) break;
      ++i_;
    }
    out_ += '?';
  }

  // An identifier or keyword, kept; E'…' makes the next string take
  // backslash escapes on PostgreSQL.
  void Word() {
    const std::size_t start = i_;
    while (i_ < sql_.size() && IsWordChar(sql_[i_])) ++i_;
    const std::string_view word = sql_.substr(start, i_ - start);
    out_.append(word);
    if (At(i_) == '\'' && (word == "E" || word == "e")) {
      String('\'', standard() ? Backslash::kEscape : PlainBackslash());
    }
  }

  std::string_view sql_;
  SqlDialect dialect_;
  std::size_t i_ = 0;
  std::string out_;
};

}  // namespace

std::string MaskSqlLiterals(std::string_view sql, SqlDialect dialect) {
  return Masker(sql, dialect).Run();
}

}  // namespace aurite::security
