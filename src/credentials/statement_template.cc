// Template expansion: a small lexer that knows where the engine's quotes
// and comments begin and end, so placeholders are only replaced where a
// token may stand.
#include "credentials/statement_template.h"

#include <fmt/format.h>

namespace aurite::credentials {
namespace {

constexpr std::size_t kShownPlaceholder = 40;

bool IsIdentifierByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         u >= 0x80;
}

class Expander {
 public:
  Expander(std::string_view text, const SqlQuoting& quoting, const TemplateValues& values)
      : text_(text),
        quoting_(quoting),
        values_(values),
        postgres_(quoting.engine == sql::Engine::kPostgres) {}

  StatusOr<crypto::SecretBuffer> Run() {
    std::size_t run = 0;  // start of the text not yet copied
    std::size_t i = 0;
    while (i < text_.size()) {
      if (At(i, "{{")) {
        out_.Append(text_.substr(run, i - run));
        AURITE_ASSIGN_OR_RETURN(i, Placeholder(i));
        run = i;
        continue;
      }
      AURITE_ASSIGN_OR_RETURN(i, SkipQuotedOrComment(i));
    }
    out_.Append(text_.substr(run));
    return std::move(out_);
  }

 private:
  bool At(std::size_t i, std::string_view token) const {
    return text_.substr(i, token.size()) == token;
  }

  // Replaces the placeholder at `start`; returns the index after it.
  StatusOr<std::size_t> Placeholder(std::size_t start) {
    std::size_t end = text_.find("}}", start + 2);
    if (end == std::string_view::npos) {
      return InvalidArgumentError(
          fmt::format("a {} statement has {{{{ without a closing }}}}", values_.kind));
    }
    std::string_view key = text_.substr(start + 2, end - start - 2);
    if (key == "name" && values_.name) {
      AURITE_RETURN_IF_ERROR(
          AppendQuotedIdentifier(quoting_, *values_.name, "the user name", out_));
    } else if (key == "password" && values_.password) {
      AURITE_RETURN_IF_ERROR(
          AppendQuotedLiteral(quoting_, values_.password->Reveal(), "the password", out_));
    } else if (key == "expiration" && values_.expiration) {
      AURITE_RETURN_IF_ERROR(
          AppendQuotedLiteral(quoting_, *values_.expiration, "the expiration", out_));
    } else if (key == "name" || key == "password" || key == "expiration") {
      return InvalidArgumentError(
          fmt::format("{{{{{}}}}} has no value in {} statements", key, values_.kind));
    } else {
      return InvalidArgumentError(fmt::format(
          "unknown placeholder {{{{{}}}}} in a {} statement; the placeholders are {{{{name}}}}, "
          "{{{{password}}}} and {{{{expiration}}}}",
          key.substr(0, kShownPlaceholder), values_.kind));
    }
    return end + 2;
  }

  // Returns the index after the quoted string or comment starting at `i`,
  // or i + 1 when none starts there.
  StatusOr<std::size_t> SkipQuotedOrComment(std::size_t i) const {
    const char c = text_[i];
    const bool after_identifier = i > 0 && IsIdentifierByte(text_[i - 1]);
    if (c == '\'') {
      // PostgreSQL reads backslash escapes only in E'' strings.
      const bool e_string = postgres_ && i > 0 && (text_[i - 1] == 'E' || text_[i - 1] == 'e') &&
                            !(i > 1 && IsIdentifierByte(text_[i - 2]));
      return SkipQuoted(i, '\'', postgres_ ? e_string : quoting_.backslash_escapes);
    }
    if (c == '"') return SkipQuoted(i, '"', !postgres_ && quoting_.backslash_escapes);
    if (c == '`' && !postgres_) return SkipQuoted(i, '`', false);
    if (At(i, "--") || (c == '#' && !postgres_)) return Skip(i, text_.find('\n', i), 1);
    if (At(i, "/*")) return SkipBlockComment(i);
    if (c == '$' && postgres_ && !after_identifier) return SkipDollarQuoted(i);
    return i + 1;
  }

  StatusOr<std::size_t> SkipQuoted(std::size_t start, char quote, bool backslash) const {
    for (std::size_t i = start + 1; i < text_.size(); ++i) {
      if (backslash && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == quote) {
        if (i + 1 < text_.size() && text_[i + 1] == quote) {
          ++i;
        } else {
          return Skip(start, i, 1);
        }
      }
    }
    return Skip(start, std::string_view::npos, 0);
  }

  // Block comments nest on PostgreSQL, not on MariaDB.
  StatusOr<std::size_t> SkipBlockComment(std::size_t start) const {
    int depth = 0;
    for (std::size_t i = start; i + 1 < text_.size(); ++i) {
      if (At(i, "/*") && (depth == 0 || postgres_)) {
        ++depth;
        ++i;
      } else if (At(i, "*/") && --depth == 0) {
        return Skip(start, i, 2);
      } else if (At(i, "*/")) {
        ++i;
      }
    }
    return Skip(start, std::string_view::npos, 0);
  }

  // $tag$…$tag$, where the tag is empty or an identifier; "$1" is a
  // parameter, not a quote.
  StatusOr<std::size_t> SkipDollarQuoted(std::size_t start) const {
    std::size_t close = start + 1;
    while (close < text_.size() && IsIdentifierByte(text_[close])) ++close;
    const bool tag_ok = close < text_.size() && text_[close] == '$' &&
                        !(close > start + 1 && text_[start + 1] >= '0' && text_[start + 1] <= '9');
    if (!tag_ok) return start + 1;
    std::string_view tag = text_.substr(start, close + 1 - start);
    return Skip(start, text_.find(tag, close + 1), tag.size());
  }

  // The index after a quoted region or comment [start, end) whose closing
  // token has `closing` bytes (end == npos: it runs to the end of the
  // text); an error when a placeholder stands inside it.
  StatusOr<std::size_t> Skip(std::size_t start, std::size_t end, std::size_t closing) const {
    std::size_t stop = end == std::string_view::npos ? text_.size() : end + closing;
    if (text_.substr(start, stop - start).find("{{") != std::string_view::npos) {
      return InvalidArgumentError(fmt::format(
          "a placeholder stands inside quotes or a comment in a {} statement: write {{{{name}}}}, "
          "{{{{password}}}} and {{{{expiration}}}} bare, Aurite quotes their values",
          values_.kind));
    }
    return stop;
  }

  std::string_view text_;
  const SqlQuoting& quoting_;
  const TemplateValues& values_;
  const bool postgres_;
  crypto::SecretBuffer out_;
};

}  // namespace

StatusOr<crypto::SecretBuffer> ExpandStatement(std::string_view statement,
                                               const SqlQuoting& quoting,
                                               const TemplateValues& values) {
  AURITE_RETURN_IF_ERROR(CheckEngineHasUsers(quoting.engine));
  return Expander(statement, quoting, values).Run();
}

}  // namespace aurite::credentials
