// Quoting of identifiers and literals per engine; the rules and why they
// hold are in sql_quoting.h.
#include "credentials/sql_quoting.h"

#include <fmt/format.h>

#include "sql/value_encoding.h"

namespace aurite::credentials {
namespace {

Status CheckValue(const SqlQuoting& quoting, std::string_view value, std::string_view what) {
  AURITE_RETURN_IF_ERROR(CheckEngineHasUsers(quoting.engine));
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(fmt::format("{} holds a NUL byte", what));
  }
  if (!sql::IsValidUtf8(value)) return InvalidArgumentError(fmt::format("{} is not UTF-8", what));
  return OkStatus();
}

// Appends `value` with every `quote` doubled and, when `backslash` is set,
// every backslash doubled.
void AppendEscaped(std::string_view value, char quote, bool backslash, crypto::SecretBuffer& out) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != quote && !(backslash && value[i] == '\\')) continue;
    out.Append(value.substr(run, i + 1 - run));
    out.Append(value.substr(i, 1));
    run = i + 1;
  }
  out.Append(value.substr(run));
}

}  // namespace

Status CheckEngineHasUsers(sql::Engine engine) {
  if (engine != sql::Engine::kSqlite) return OkStatus();
  return FailedPreconditionError(
      "SQLite has no database users: dynamic users and rotation need PostgreSQL or MariaDB");
}

Status AppendQuotedIdentifier(const SqlQuoting& quoting, std::string_view name,
                              std::string_view what, crypto::SecretBuffer& out) {
  AURITE_RETURN_IF_ERROR(CheckValue(quoting, name, what));
  if (name.empty()) return InvalidArgumentError(fmt::format("{} is empty", what));
  const char quote = quoting.engine == sql::Engine::kPostgres ? '"' : '`';
  out.Append(std::string_view(&quote, 1));
  AppendEscaped(name, quote, false, out);
  out.Append(std::string_view(&quote, 1));
  return OkStatus();
}

Status AppendQuotedLiteral(const SqlQuoting& quoting, std::string_view value, std::string_view what,
                           crypto::SecretBuffer& out) {
  AURITE_RETURN_IF_ERROR(CheckValue(quoting, value, what));
  bool backslash = quoting.backslash_escapes;
  if (quoting.engine == sql::Engine::kPostgres) {
    // PQescapeLiteral's form: E'' only when needed. The leading space keeps
    // the E from joining a preceding identifier.
    backslash = value.find('\\') != std::string_view::npos;
    if (backslash) out.Append(" E");
  }
  out.Append("'");
  AppendEscaped(value, '\'', backslash, out);
  out.Append("'");
  return OkStatus();
}

}  // namespace aurite::credentials
