// Privileged logins: catalogue queries per engine, the refusal, and the
// opted-in connection that carries a warning.
#include "sql/privileged_login.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace aurite::sql {
namespace {

constexpr QueryLimits kInspectLimits{10000, 4 * 1024 * 1024};

// The rows of a one-column result as strings (NULL cells are skipped).
StatusOr<std::vector<std::string>> Strings(Connection& connection, std::string_view sql) {
  AURITE_ASSIGN_OR_RETURN(QueryResult result, connection.Execute(sql, {}, kInspectLimits));
  std::vector<std::string> out;
  for (const auto& row : result.rows) {
    if (!row.empty() && row[0].is_string()) out.push_back(row[0].get<std::string>());
  }
  return out;
}

// --- PostgreSQL ------------------------------------------------------------

// Functions of pg_catalog that PostgreSQL keeps from PUBLIC because they
// read or write server files or change server state, without looking at the
// transaction's read-only flag. Granting EXECUTE on one hands that out.
constexpr std::string_view kPgAdminFunctions =
    "'pg_read_file','pg_read_binary_file','pg_ls_dir','pg_stat_file','lo_import','lo_export',"
    "'pg_file_write','pg_file_rename','pg_file_unlink','pg_file_sync','pg_reload_conf',"
    "'pg_rotate_logfile','pg_switch_wal','pg_create_restore_point','pg_promote',"
    "'pg_backup_start','pg_backup_stop','pg_start_backup','pg_stop_backup',"
    "'pg_wal_replay_pause','pg_wal_replay_resume','pg_replication_origin_create',"
    "'pg_replication_origin_drop','pg_replication_origin_advance',"
    "'pg_replication_origin_session_setup','pg_logical_emit_message','pg_stat_reset',"
    "'pg_stat_reset_shared','pg_stat_reset_single_table_counters',"
    "'pg_stat_reset_single_function_counters','pg_stat_reset_slru',"
    "'pg_stat_reset_replication_slot','pg_stat_reset_subscription_stats',"
    "'pg_log_backend_memory_contexts','pg_import_system_collations'";

// One row per finding: (kind, detail). Membership (pg_has_role ... MEMBER)
// covers roles the login may SET ROLE to, not only those it inherits.
std::string PostgresQuery() {
  return fmt::format(
      "SELECT 'superuser', '' WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolsuper AND "
      "pg_has_role(oid, 'MEMBER')) "
      "UNION ALL SELECT 'REPLICATION', '' WHERE EXISTS (SELECT 1 FROM pg_roles WHERE "
      "rolreplication AND pg_has_role(oid, 'MEMBER')) "
      "UNION ALL SELECT r, '' FROM unnest(ARRAY['pg_read_server_files', 'pg_write_server_files', "
      "'pg_execute_server_program', 'pg_signal_backend']) AS r WHERE to_regrole(r) IS NOT NULL "
      "AND pg_has_role(r, 'MEMBER') "
      // OFFSET 0 keeps the name filter first: the privilege checks run on
      // the few functions named, not on all of pg_proc (half the time).
      "UNION ALL SELECT 'function', string_agg(f.oid::regprocedure::text, ', ' ORDER BY 1) FROM "
      "(SELECT p.oid FROM pg_proc p WHERE p.proname = ANY (ARRAY[{}]::name[]) AND p.pronamespace "
      "= 'pg_catalog'::regnamespace OFFSET 0) AS f WHERE has_function_privilege(f.oid, "
      "'EXECUTE') AND NOT has_function_privilege('public', f.oid, 'EXECUTE') HAVING count(*) > 0 "
      "UNION ALL SELECT 'dblink', n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = "
      "e.extnamespace WHERE e.extname = 'dblink' AND EXISTS (SELECT 1 FROM pg_depend d WHERE "
      "d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid AND d.deptype = 'e' AND "
      "d.classid = 'pg_proc'::regclass AND has_function_privilege(d.objid, 'EXECUTE'))",
      kPgAdminFunctions);
}

DangerousPrivilege PostgresFinding(const std::string& kind, const std::string& detail) {
  if (kind == "superuser") {
    return {"superuser",
            "runs anything: reads and writes server files (COPY to or from a file or PROGRAM, "
            "pg_read_file, lo_export), runs programs on the server, changes settings "
            "(pg_reload_conf), ends other sessions and creates replication slots"};
  }
  if (kind == "REPLICATION") {
    return {"REPLICATION",
            "creates replication slots (pg_create_logical_replication_slot), which outlive the "
            "ROLLBACK and hold back WAL on the server until the disk fills"};
  }
  if (kind == "pg_read_server_files") {
    return {kind, "reads any file the server can read (COPY ... FROM '/file', pg_read_file)"};
  }
  if (kind == "pg_write_server_files") {
    return {kind, "writes any file the server can write (COPY ... TO '/file')"};
  }
  if (kind == "pg_execute_server_program") {
    return {kind,
            "runs programs on the database server as its operating-system user (COPY ... TO "
            "PROGRAM)"};
  }
  if (kind == "pg_signal_backend") {
    return {kind, "cancels and ends other sessions (pg_terminate_backend)"};
  }
  if (kind == "dblink") {
    return {"EXECUTE on the dblink extension (schema " + detail + ")",
            "dblink opens connections of its own, outside the read-only transaction: "
            "dblink_exec(..., 'DELETE ...') writes through them"};
  }
  return {"EXECUTE on " + detail,
          "server-administration functions PostgreSQL keeps from PUBLIC: they read or write "
          "server files or change server state whatever the transaction's mode"};
}

// --- MariaDB / MySQL -------------------------------------------------------

// Global privileges as SHOW GRANTS names them (MariaDB, with its aliases,
// and MySQL's dynamic privileges), with what a read-only session can still do.
const std::map<std::string, std::string, std::less<>>& MariaDbDangers() {
  static const std::map<std::string, std::string, std::less<>> dangers = {
      {"ALL PRIVILEGES", "every global privilege, FILE, SUPER and SHUTDOWN included"},
      {"FILE", "reads and writes server files (SELECT ... INTO OUTFILE, LOAD_FILE())"},
      {"SUPER",
       "changes global settings (SET GLOBAL), ends other sessions (KILL), controls replication "
       "and the binary log"},
      {"SHUTDOWN", "shuts the server down (SHUTDOWN)"},
      {"PROCESS", "reads every session's statements, other users' included (SHOW PROCESSLIST)"},
      {"RELOAD",
       "flushes and locks the server (FLUSH TABLES WITH READ LOCK stops every writer, FLUSH "
       "LOGS, RESET)"},
      {"BINLOG ADMIN", "purges binary logs and changes their settings (PURGE BINARY LOGS)"},
      {"BINLOG REPLAY", "replays binary-log events, which writes (BINLOG)"},
      {"CONNECTION ADMIN", "ends other users' sessions (KILL) and ignores connection limits"},
      {"FEDERATED ADMIN", "creates, changes and drops federated servers (CREATE SERVER)"},
      {"READ_ONLY ADMIN", "writes while the server is read_only, and turns read_only off"},
      {"REPLICATION MASTER ADMIN", "changes the primary's replication settings"},
      {"REPLICATION SLAVE ADMIN",
       "starts, stops and repoints replication (STOP SLAVE, CHANGE MASTER)"},
      {"REPLICATION REPLICA ADMIN",
       "starts, stops and repoints replication (STOP SLAVE, CHANGE MASTER)"},
      {"SET USER", "makes objects run as other users (DEFINER=)"},
      {"SLAVE MONITOR", "reads replicas' replication state (SHOW SLAVE STATUS)"},
      {"REPLICA MONITOR", "reads replicas' replication state (SHOW SLAVE STATUS)"},
      // MySQL 8's dynamic privileges.
      {"SYSTEM_VARIABLES_ADMIN", "changes global settings (SET GLOBAL, SET PERSIST)"},
      {"CONNECTION_ADMIN", "ends other users' sessions (KILL)"},
      {"BINLOG_ADMIN", "purges binary logs (PURGE BINARY LOGS)"},
      {"REPLICATION_SLAVE_ADMIN", "starts, stops and repoints replication"},
      {"CLONE_ADMIN", "replaces the server's data with a clone (CLONE INSTANCE)"},
  };
  return dangers;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

// The global privileges of one SHOW GRANTS line ("GRANT FILE, SUPER ON *.*
// TO ..."), or none for a grant on a database, table or proxy. The rest of
// the line (it may hold a password hash) is never kept.
std::vector<std::string> GlobalPrivileges(std::string_view line) {
  constexpr std::string_view kGrant = "GRANT ";
  constexpr std::string_view kOnAll = " ON *.* TO ";
  if (!line.starts_with(kGrant)) return {};
  std::size_t on = line.find(kOnAll);
  if (on == std::string_view::npos) return {};
  std::vector<std::string> out;
  std::string_view list = line.substr(kGrant.size(), on - kGrant.size());
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    out.push_back(Trim(list.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

// A role grant line ("GRANT `role` TO `user`@`host`"): no ON clause.
bool IsRoleGrant(std::string_view line) {
  return line.starts_with("GRANT ") && line.find(" ON ") == std::string_view::npos;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

// Whether `role` is still one the session's user may SET ROLE to (true
// when that cannot be told: the SET ROLE error then stands).
bool StillApplicable(Connection& connection, const std::string& role) {
  StatusOr<QueryResult> found = connection.Execute(
      "SELECT ROLE_NAME FROM information_schema.APPLICABLE_ROLES WHERE GRANTEE = CURRENT_USER() "
      "AND ROLE_NAME = ?",
      {Param(role)}, kInspectLimits);
  return !found.ok() || !found->rows.empty();
}

// SHOW GRANTS for the user and, on MariaDB, once more with each role it may
// SET ROLE to enabled (that output includes the role's own roles), then the
// session's role is put back.
StatusOr<std::vector<std::string>> MariaDbGrantLines(Connection& connection, bool is_mariadb) {
  AURITE_ASSIGN_OR_RETURN(std::vector<std::string> lines, Strings(connection, "SHOW GRANTS"));
  if (!is_mariadb) return lines;
  // Each role with the session's current one (NULL when none).
  AURITE_ASSIGN_OR_RETURN(
      QueryResult applicable,
      connection.Execute(
          "SELECT ROLE_NAME, CURRENT_ROLE() FROM information_schema.APPLICABLE_ROLES "
          "WHERE GRANTEE = CURRENT_USER()",
          {}, kInspectLimits));
  std::vector<std::string> roles;
  std::optional<std::string> current;
  for (const auto& row : applicable.rows) {
    if (row[0].is_string()) roles.push_back(row[0].get<std::string>());
    if (row[1].is_string()) current = row[1].get<std::string>();
  }
  Status status;
  for (const std::string& role : roles) {
    status = connection.Execute("SET ROLE " + QuoteIdentifier(role), {}, kInspectLimits).status();
    // A role dropped since it was listed (another session's DDL; MariaDB
    // grants every role to the user who created it) grants nothing.
    if (!status.ok() && !StillApplicable(connection, role)) {
      status = OkStatus();
      continue;
    }
    if (!status.ok()) break;
    StatusOr<std::vector<std::string>> more = Strings(connection, "SHOW GRANTS");
    if (!more.ok()) {
      status = more.status();
      break;
    }
    lines.insert(lines.end(), more->begin(), more->end());
  }
  if (!roles.empty()) {
    std::string restore = current ? "SET ROLE " + QuoteIdentifier(*current) : "SET ROLE NONE";
    Status restored = connection.Execute(restore, {}, kInspectLimits).status();
    if (status.ok()) status = restored;
  }
  AURITE_RETURN_IF_ERROR(status);
  return lines;
}

// --- The opted-in connection ---------------------------------------------

// Forwards every call; only ReadOnlyWarning() differs.
class WarningConnection final : public Connection {
 public:
  WarningConnection(std::unique_ptr<Connection> inner, std::string warning)
      : inner_(std::move(inner)), warning_(std::move(warning)) {}

  Engine engine() const override { return inner_->engine(); }
  const std::string& ServerVersion() const override { return inner_->ServerVersion(); }
  StatusOr<std::vector<TableInfo>> ListTables(const std::optional<std::string>& schema) override {
    return inner_->ListTables(schema);
  }
  StatusOr<TableDescription> DescribeTable(const std::string& table,
                                           const std::optional<std::string>& schema) override {
    return inner_->DescribeTable(table, schema);
  }
  StatusOr<QueryResult> Execute(std::string_view sql, const std::vector<Param>& params,
                                const QueryLimits& limits) override {
    return inner_->Execute(sql, params, limits);
  }
  StatusOr<QueryResult> ExecuteAsRole(std::string_view sql, const std::vector<Param>& params,
                                      const QueryLimits& limits, std::string_view role) override {
    return inner_->ExecuteAsRole(sql, params, limits, role);
  }
  StatusOr<nlohmann::json> Explain(std::string_view sql,
                                   const std::vector<Param>& params) override {
    return inner_->Explain(sql, params);
  }
  bool IsUsable() const override { return inner_->IsUsable(); }
  void Interrupt() override { inner_->Interrupt(); }
  void ClearInterrupt() override { inner_->ClearInterrupt(); }
  std::string ReadOnlyWarning() const override { return warning_; }

 private:
  std::unique_ptr<Connection> inner_;
  std::string warning_;
};

std::string PrivilegeList(const std::vector<DangerousPrivilege>& found) {
  std::string out;
  for (const DangerousPrivilege& privilege : found) {
    out += fmt::format("{}- {}: {}", out.empty() ? "" : "\n", privilege.name, privilege.effect);
  }
  return out;
}

std::string FixFor(Engine engine) {
  if (engine == Engine::kPostgres) {
    return "Connect as a role with only the grants the model needs, e.g. CREATE ROLE reader "
           "LOGIN PASSWORD '...'; GRANT CONNECT ON DATABASE <db> TO reader; GRANT USAGE ON "
           "SCHEMA public TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader; or "
           "take the privilege away (ALTER ROLE <user> NOSUPERUSER NOREPLICATION; REVOKE "
           "pg_read_server_files FROM <user>; REVOKE EXECUTE ON FUNCTION <function> FROM "
           "<user>; for dblink: REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA <schema> FROM PUBLIC, "
           "or DROP EXTENSION dblink).";
  }
  return "Connect as a user with only the grants the model needs, e.g. CREATE USER "
         "'reader'@'%' IDENTIFIED BY '...'; GRANT SELECT ON <db>.* TO 'reader'@'%'; or take the "
         "privilege away (REVOKE FILE, SUPER, SHUTDOWN, PROCESS, RELOAD ON *.* FROM <user>; "
         "REVOKE <role> FROM <user>).";
}

}  // namespace

StatusOr<std::vector<DangerousPrivilege>> FindPostgresPrivileges(Connection& connection) {
  AURITE_ASSIGN_OR_RETURN(QueryResult result,
                          connection.Execute(PostgresQuery(), {}, kInspectLimits));
  std::vector<DangerousPrivilege> found;
  for (const auto& row : result.rows) {
    std::string kind = row[0].get<std::string>();
    std::string detail = row[1].is_string() ? row[1].get<std::string>() : "";
    // A superuser holds everything else as well: one line says it all.
    if (kind == "superuser") return std::vector<DangerousPrivilege>{PostgresFinding(kind, detail)};
    found.push_back(PostgresFinding(kind, detail));
  }
  return found;
}

StatusOr<std::vector<DangerousPrivilege>> FindMariaDbPrivileges(Connection& connection) {
  bool is_mariadb = connection.ServerVersion().find("MariaDB") != std::string::npos;
  AURITE_ASSIGN_OR_RETURN(std::vector<std::string> lines,
                          MariaDbGrantLines(connection, is_mariadb));
  std::set<std::string> seen;
  std::vector<DangerousPrivilege> found;
  for (const std::string& line : lines) {
    if (!is_mariadb && IsRoleGrant(line) && seen.insert("role").second) {
      std::size_t to = std::min(line.find(" TO "), line.size());
      found.push_back({"a role (" + line.substr(6, to - 6) + ")",
                       "on MySQL the privileges of roles are not inspected, so a role grant is "
                       "refused like a privilege"});
    }
    for (const std::string& privilege : GlobalPrivileges(line)) {
      auto danger = MariaDbDangers().find(privilege);
      if (danger == MariaDbDangers().end() || !seen.insert(privilege).second) continue;
      found.push_back({privilege, danger->second});
    }
  }
  return found;
}

Status PrivilegedLoginError(Engine engine, const std::string& user,
                            const std::vector<DangerousPrivilege>& found) {
  std::string who = user.empty() ? "this login" : fmt::format("the login \"{}\"", user);
  return PermissionDeniedError(fmt::format(
      "{}: {} is privileged, and read-only mode cannot contain it:\n{}\n"
      "A read-only transaction stops writes to tables, not these: they act outside the "
      "transaction, and a session cannot give up its privileges. {} Aurite's dynamic "
      "credentials (short-lived least-privileged logins) are planned. If the operator accepts "
      "the risk: set \"allow_privileged_login\": true for this server or named connection "
      "(aurite sql-server --allow-privileged-login); every result then says that read-only is "
      "not enforced for these statements.",
      EngineName(engine), who, PrivilegeList(found), FixFor(engine)));
}

std::string ReadOnlyNotEnforcedWarning(const std::vector<DangerousPrivilege>& found) {
  std::string names;
  for (const DangerousPrivilege& privilege : found) {
    names += (names.empty() ? "" : ", ") + privilege.name;
  }
  return fmt::format(
      "read-only is NOT enforced for every statement: the operator allowed a privileged login "
      "(allow_privileged_login) holding {}, so statements can still do this outside the "
      "read-only transaction:\n{}",
      names, PrivilegeList(found));
}

StatusOr<std::unique_ptr<Connection>> CheckPrivilegedLogin(std::unique_ptr<Connection> connection,
                                                           const ConnectionConfig& config,
                                                           const OpenOptions& options) {
  if (options.allow_writes || connection->engine() == Engine::kSqlite) return connection;
  StatusOr<std::vector<DangerousPrivilege>> found = connection->engine() == Engine::kPostgres
                                                        ? FindPostgresPrivileges(*connection)
                                                        : FindMariaDbPrivileges(*connection);
  if (!found.ok()) {
    return FailedPreconditionError(fmt::format(
        "{}: could not inspect the login's privileges, so the read-only connection was refused "
        "(a privileged login would not be read-only): {}",
        EngineName(config.engine), found.status().message()));
  }
  if (found->empty()) return connection;
  if (!options.allow_privileged_login) {
    return PrivilegedLoginError(config.engine, config.user, *found);
  }
  return std::unique_ptr<Connection>(std::make_unique<WarningConnection>(
      std::move(connection), ReadOnlyNotEnforcedWarning(*found)));
}

}  // namespace aurite::sql
