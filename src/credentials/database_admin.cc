// The admin session: opening it, checking the settings quoting relies on,
// running the statements of each operation and scrubbing their errors.
#include "credentials/database_admin.h"

#include <fmt/format.h>

#include "credentials/generated_login.h"
#include "credentials/scram_verifier.h"
#include "sql/connection_string.h"
#include "sql/error_text.h"

namespace aurite::credentials {
namespace {

// Runs of a password or verifier this long are removed from error text.
constexpr std::size_t kPasswordFragment = 4;
constexpr std::size_t kVerifierFragment = 8;

sql::OpenOptions AdminOptions() {
  sql::OpenOptions options;
  options.allow_writes = true;
  return options;
}

std::string_view EngineLabel(sql::Engine engine) {
  return engine == sql::Engine::kPostgres ? "PostgreSQL" : "MariaDB";
}

StatusOr<std::string> FirstCell(StatusOr<sql::QueryResult> result, std::size_t column) {
  if (!result.ok()) return result.status();
  if (result->rows.empty() || !result->rows[0][column].is_string()) {
    return InternalError("the server did not report its session settings");
  }
  return result->rows[0][column].get<std::string>();
}

}  // namespace

// The secrets a statement may hold, to be scrubbed from its errors.
struct DatabaseAdmin::Secrets {
  std::string_view password;
  std::string_view verifier;
};

DatabaseAdmin::DatabaseAdmin(OpenKey, sql::ConnectionConfig config,
                             std::unique_ptr<sql::Connection> connection, SqlQuoting quoting)
    : config_(std::move(config)), connection_(std::move(connection)), quoting_(quoting) {}

StatusOr<std::unique_ptr<DatabaseAdmin>> DatabaseAdmin::Open(
    const crypto::SecretBuffer& admin_connection_string) {
  StatusOr<sql::ConnectionConfig> config =
      sql::ParseConnectionString(admin_connection_string.Reveal());
  if (!config.ok()) {
    return InvalidArgumentError("the admin connection string: " + config.status().message());
  }
  return Open(std::move(config).value());
}

StatusOr<std::unique_ptr<DatabaseAdmin>> DatabaseAdmin::Open(sql::ConnectionConfig admin) {
  AURITE_RETURN_IF_ERROR(CheckEngineHasUsers(admin.engine));
  AURITE_ASSIGN_OR_RETURN(std::unique_ptr<sql::Connection> connection,
                          sql::OpenConnection(admin, AdminOptions()));
  AURITE_ASSIGN_OR_RETURN(SqlQuoting quoting, ReadQuoting(*connection));
  return std::make_unique<DatabaseAdmin>(OpenKey(), std::move(admin), std::move(connection),
                                         quoting);
}

// The quoting rules hold for UTF-8 sessions only (sql_quoting.h). The
// drivers reset each session to these settings after every call, so they
// are read once.
StatusOr<SqlQuoting> DatabaseAdmin::ReadQuoting(sql::Connection& connection) {
  SqlQuoting quoting;
  quoting.engine = connection.engine();
  if (quoting.engine == sql::Engine::kPostgres) {
    AURITE_ASSIGN_OR_RETURN(
        std::string encoding,
        FirstCell(connection.Execute("SELECT current_setting('client_encoding')", {}, {}), 0));
    if (encoding != "UTF8") {
      return FailedPreconditionError(fmt::format(
          "PostgreSQL: the admin session's client_encoding is {}; credentials need UTF8 (remove "
          "client_encoding from the admin connection string)",
          encoding));
    }
    return quoting;
  }
  StatusOr<sql::QueryResult> settings =
      connection.Execute("SELECT @@SESSION.character_set_client, @@SESSION.sql_mode", {}, {});
  AURITE_ASSIGN_OR_RETURN(std::string charset, FirstCell(settings, 0));
  AURITE_ASSIGN_OR_RETURN(std::string sql_mode, FirstCell(settings, 1));
  if (!charset.starts_with("utf8")) {
    return FailedPreconditionError(fmt::format(
        "MariaDB: the admin session's character set is {}; credentials need utf8mb4 (remove "
        "charset from the admin connection string)",
        charset));
  }
  quoting.backslash_escapes = sql_mode.find("NO_BACKSLASH_ESCAPES") == std::string::npos;
  return quoting;
}

Status DatabaseAdmin::EnsureConnected() {
  if (connection_ && connection_->IsUsable()) return OkStatus();
  connection_.reset();
  AURITE_ASSIGN_OR_RETURN(connection_, sql::OpenConnection(config_, AdminOptions()));
  return OkStatus();
}

Status DatabaseAdmin::CheckName(std::string_view name) const {
  const std::size_t limit = MaxUserNameLength(quoting_.engine);
  if (name.empty() || name.size() > limit) {
    return InvalidArgumentError(fmt::format("{}: a user name must have 1 to {} bytes, not {}",
                                            EngineLabel(quoting_.engine), limit, name.size()));
  }
  return OkStatus();
}

StatusOr<crypto::SecretBuffer> DatabaseAdmin::PasswordValue(
    const crypto::SecretBuffer& password) const {
  if (quoting_.engine == sql::Engine::kPostgres) return ScramSha256Verifier(password);
  return password.Clone();
}

Status DatabaseAdmin::Scrubbed(const Status& status, std::string_view what,
                               const Secrets& secrets) const {
  std::string message = config_.ScrubSecrets(status.message());
  if (!secrets.password.empty()) {
    message = sql::ScrubSecretFragments(std::move(message), secrets.password, kPasswordFragment);
  }
  if (!secrets.verifier.empty()) {
    message = sql::ScrubSecretFragments(std::move(message), secrets.verifier, kVerifierFragment);
  }
  return Status(status.code(), fmt::format("{}: {}", what, message));
}

Status DatabaseAdmin::Run(const std::vector<AdminStatement>& statements, std::string_view what,
                          const Secrets& secrets) {
  for (std::size_t i = 0; i < statements.size(); ++i) {
    Status connected = EnsureConnected();
    if (!connected.ok()) return Scrubbed(connected, what, secrets);
    StatusOr<sql::QueryResult> result =
        connection_->Execute(statements[i].text.Reveal(), statements[i].params, {});
    if (!result.ok()) {
      return Scrubbed(result.status(),
                      fmt::format("{} (statement {} of {})", what, i + 1, statements.size()),
                      secrets);
    }
  }
  return OkStatus();
}

// A short session of the new user; its database is left out, since the user
// may have no access to the admin's.
Status DatabaseAdmin::SetDefaultRole(std::string_view name, const crypto::SecretBuffer& password,
                                     const std::string& role, const Secrets& secrets) {
  AURITE_ASSIGN_OR_RETURN(AdminStatement statement, MariaDbDefaultRoleStatement(quoting_, role));
  sql::ConnectionConfig login = config_.Clone();
  login.user = std::string(name);
  login.password = password.Clone();
  login.database.clear();
  const std::string what = fmt::format("MariaDB: setting the default role of {}", name);
  StatusOr<std::unique_ptr<sql::Connection>> session = sql::OpenConnection(login, AdminOptions());
  if (!session.ok()) return Scrubbed(session.status(), what, secrets);
  StatusOr<sql::QueryResult> result = (*session)->Execute(statement.text.Reveal(), {}, {});
  return result.ok() ? OkStatus() : Scrubbed(result.status(), what, secrets);
}

StatusOr<bool> DatabaseAdmin::UserExists(std::string_view name) {
  AURITE_RETURN_IF_ERROR(EnsureConnected());
  std::string_view sql = "SELECT 1 FROM pg_roles WHERE rolname = $1";
  if (quoting_.engine == sql::Engine::kMariaDb) {
    // Only the User and Host columns: docs/credentials.md grants just these.
    sql = connection_->ServerVersion().find("MariaDB") != std::string::npos
              ? "SELECT 1 FROM mysql.global_priv WHERE User = ? AND Host = '%'"
              : "SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'";
  }
  StatusOr<sql::QueryResult> result = connection_->Execute(sql, {std::string(name)}, {});
  if (!result.ok()) {
    return Scrubbed(
        result.status(),
        fmt::format("{}: checking whether user {} exists", EngineLabel(quoting_.engine), name), {});
  }
  return result->row_count > 0;
}

Status DatabaseAdmin::CreateUser(std::string_view name, const crypto::SecretBuffer& password,
                                 TimePoint expires_at, const std::vector<std::string>& grant_roles,
                                 const StatementTemplates& templates) {
  AURITE_RETURN_IF_ERROR(CheckName(name));
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer value, PasswordValue(password));
  const std::string expiration = ExpirationText(quoting_.engine, expires_at);
  const TemplateValues values{"creation", name, &value, expiration};
  AURITE_ASSIGN_OR_RETURN(std::vector<AdminStatement> statements,
                          CreationStatements(quoting_, values, grant_roles, templates.creation));
  AURITE_ASSIGN_OR_RETURN(bool exists, UserExists(name));
  const std::string what =
      fmt::format("{}: creating dynamic user {}", EngineLabel(quoting_.engine), name);
  if (exists) return AlreadyExistsError(what + ": the user exists already; it was left alone");

  const Secrets secrets{password.Reveal(),
                        quoting_.engine == sql::Engine::kPostgres ? value.Reveal() : ""};
  Status created = Run(statements, what, secrets);
  if (created.ok() && quoting_.engine == sql::Engine::kMariaDb && !grant_roles.empty()) {
    created = SetDefaultRole(name, password, grant_roles.front(), secrets);
  }
  if (created.ok()) return created;
  // The user is new (checked above), so dropping what was made is safe.
  Status undone = RevokeUser(name, templates);
  return Status(
      created.code(),
      created.message() + (undone.ok() ? "; the user was dropped again"
                                       : "; dropping the user failed too: " + undone.message()));
}

Status DatabaseAdmin::RenewUser(std::string_view name, TimePoint expires_at,
                                const StatementTemplates& templates) {
  AURITE_RETURN_IF_ERROR(CheckName(name));
  const std::string expiration = ExpirationText(quoting_.engine, expires_at);
  const TemplateValues values{"renewal", name, nullptr, expiration};
  AURITE_ASSIGN_OR_RETURN(std::vector<AdminStatement> statements,
                          RenewalStatements(quoting_, values, templates.renewal));
  AURITE_ASSIGN_OR_RETURN(bool exists, UserExists(name));
  const std::string what =
      fmt::format("{}: renewing dynamic user {}", EngineLabel(quoting_.engine), name);
  if (!exists) return NotFoundError(what + ": the user does not exist");
  return Run(statements, what, {});
}

Status DatabaseAdmin::RevokeUser(std::string_view name, const StatementTemplates& templates) {
  AURITE_RETURN_IF_ERROR(CheckName(name));
  const TemplateValues values{"revocation", name, nullptr, std::nullopt};
  AURITE_ASSIGN_OR_RETURN(std::vector<AdminStatement> statements,
                          RevocationStatements(quoting_, values, templates.revocation));
  AURITE_ASSIGN_OR_RETURN(bool exists, UserExists(name));
  if (!exists) return OkStatus();
  return Run(statements,
             fmt::format("{}: revoking dynamic user {}", EngineLabel(quoting_.engine), name), {});
}

Status DatabaseAdmin::SetPassword(std::string_view user, const crypto::SecretBuffer& password,
                                  const std::vector<std::string>& rotation_statements) {
  AURITE_RETURN_IF_ERROR(CheckName(user));
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer value, PasswordValue(password));
  const TemplateValues values{"rotation", user, &value, std::nullopt};
  AURITE_ASSIGN_OR_RETURN(std::vector<AdminStatement> statements,
                          RotationStatements(quoting_, values, rotation_statements));
  const Secrets secrets{password.Reveal(),
                        quoting_.engine == sql::Engine::kPostgres ? value.Reveal() : ""};
  return Run(statements,
             fmt::format("{}: setting the password of user {}", EngineLabel(quoting_.engine), user),
             secrets);
}

}  // namespace aurite::credentials
