// The default statements of each engine and the expansion of templates
// into the statements DatabaseAdmin runs.
#include "credentials/admin_statements.h"

#include <fmt/format.h>

#include <ctime>
#include <span>
#include <string_view>

namespace aurite::credentials {
namespace {

// A default statement; `bind_name` passes the user name as parameter $1 / ?.
struct DefaultStatement {
  std::string_view text;
  bool bind_name = false;
};

constexpr DefaultStatement kPostgresCreate[] = {
    {"CREATE ROLE {{name}} WITH LOGIN PASSWORD {{password}} VALID UNTIL {{expiration}}"}};
constexpr DefaultStatement kPostgresRenew[] = {{"ALTER ROLE {{name}} VALID UNTIL {{expiration}}"}};
constexpr DefaultStatement kPostgresRevoke[] = {
    {"ALTER ROLE {{name}} NOLOGIN"},
    {"SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
     "WHERE usename = $1 AND pid <> pg_backend_pid()",
     true},
    {"DROP OWNED BY {{name}}"},
    {"DROP ROLE IF EXISTS {{name}}"}};
constexpr DefaultStatement kPostgresRotate[] = {{"ALTER ROLE {{name}} WITH PASSWORD {{password}}"}};

constexpr DefaultStatement kMariaDbCreate[] = {{"CREATE USER {{name}} IDENTIFIED BY {{password}}"}};
constexpr DefaultStatement kMariaDbRevoke[] = {{"ALTER USER IF EXISTS {{name}} ACCOUNT LOCK"},
                                               {"KILL CONNECTION USER {{name}}"},
                                               {"DROP USER IF EXISTS {{name}}"}};
constexpr DefaultStatement kMariaDbRotate[] = {{"ALTER USER {{name}} IDENTIFIED BY {{password}}"}};

bool Postgres(const SqlQuoting& quoting) { return quoting.engine == sql::Engine::kPostgres; }

// The engine's defaults of one kind.
std::span<const DefaultStatement> Defaults(const SqlQuoting& quoting,
                                           std::span<const DefaultStatement> postgres,
                                           std::span<const DefaultStatement> mariadb) {
  return Postgres(quoting) ? postgres : mariadb;
}

StatusOr<AdminStatement> Expand(std::string_view text, const SqlQuoting& quoting,
                                const TemplateValues& values, std::size_t index) {
  StatusOr<crypto::SecretBuffer> expanded = ExpandStatement(text, quoting, values);
  if (!expanded.ok()) {
    return Status(expanded.status().code(), fmt::format("{} statement {}: {}", values.kind,
                                                        index + 1, expanded.status().message()));
  }
  return AdminStatement{std::move(expanded).value(), {}};
}

StatusOr<std::vector<AdminStatement>> ExpandAll(std::span<const DefaultStatement> defaults,
                                                const std::vector<std::string>& templates,
                                                const SqlQuoting& quoting,
                                                const TemplateValues& values) {
  std::vector<AdminStatement> statements;
  for (std::size_t i = 0; i < templates.size(); ++i) {
    AURITE_ASSIGN_OR_RETURN(AdminStatement statement, Expand(templates[i], quoting, values, i));
    statements.push_back(std::move(statement));
  }
  if (!templates.empty()) return statements;
  for (std::size_t i = 0; i < defaults.size(); ++i) {
    AURITE_ASSIGN_OR_RETURN(AdminStatement statement, Expand(defaults[i].text, quoting, values, i));
    if (defaults[i].bind_name) statement.params.emplace_back(std::string(*values.name));
    statements.push_back(std::move(statement));
  }
  return statements;
}

// GRANT <role> TO {{name}}.
StatusOr<AdminStatement> GrantStatement(const SqlQuoting& quoting, const TemplateValues& values,
                                        const std::string& role) {
  AdminStatement grant;
  grant.text.Append("GRANT ");
  AURITE_RETURN_IF_ERROR(AppendQuotedIdentifier(quoting, role, "a grant role", grant.text));
  grant.text.Append(" TO ");
  AURITE_RETURN_IF_ERROR(
      AppendQuotedIdentifier(quoting, *values.name, "the user name", grant.text));
  return grant;
}

}  // namespace

std::string ExpirationText(sql::Engine engine, std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return engine == sql::Engine::kPostgres ? std::string(text) + "+00" : std::string(text);
}

StatusOr<std::vector<AdminStatement>> CreationStatements(
    const SqlQuoting& quoting, const TemplateValues& values, const std::vector<std::string>& roles,
    const std::vector<std::string>& templates) {
  if (!Postgres(quoting) && roles.size() > 1) {
    return InvalidArgumentError(
        "MariaDB activates one default role per user: grant_roles must name at most one role "
        "(grant the others to one role and name that)");
  }
  AURITE_ASSIGN_OR_RETURN(
      std::vector<AdminStatement> statements,
      ExpandAll(Defaults(quoting, kPostgresCreate, kMariaDbCreate), templates, quoting, values));
  if (Postgres(quoting) && templates.empty()) {
    crypto::SecretBuffer& create = statements.front().text;
    for (std::size_t i = 0; i < roles.size(); ++i) {
      create.Append(i == 0 ? " IN ROLE " : ", ");
      AURITE_RETURN_IF_ERROR(AppendQuotedIdentifier(quoting, roles[i], "a grant role", create));
    }
    create.Append(" ADMIN CURRENT_USER");
    return statements;
  }
  for (const std::string& role : roles) {
    AURITE_ASSIGN_OR_RETURN(AdminStatement grant, GrantStatement(quoting, values, role));
    statements.push_back(std::move(grant));
  }
  return statements;
}

StatusOr<std::vector<AdminStatement>> RenewalStatements(const SqlQuoting& quoting,
                                                        const TemplateValues& values,
                                                        const std::vector<std::string>& templates) {
  return ExpandAll(Defaults(quoting, kPostgresRenew, {}), templates, quoting, values);
}

StatusOr<std::vector<AdminStatement>> RevocationStatements(
    const SqlQuoting& quoting, const TemplateValues& values,
    const std::vector<std::string>& templates) {
  return ExpandAll(Defaults(quoting, kPostgresRevoke, kMariaDbRevoke), templates, quoting, values);
}

StatusOr<std::vector<AdminStatement>> RotationStatements(
    const SqlQuoting& quoting, const TemplateValues& values,
    const std::vector<std::string>& templates) {
  return ExpandAll(Defaults(quoting, kPostgresRotate, kMariaDbRotate), templates, quoting, values);
}

StatusOr<AdminStatement> MariaDbDefaultRoleStatement(const SqlQuoting& quoting,
                                                     const std::string& role) {
  AdminStatement statement;
  statement.text.Append("SET DEFAULT ROLE ");
  AURITE_RETURN_IF_ERROR(AppendQuotedIdentifier(quoting, role, "a grant role", statement.text));
  return statement;
}

}  // namespace aurite::credentials
