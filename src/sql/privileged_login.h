// Privileged logins: the privileges a read-only transaction cannot contain.
//
// Read-only mode is a read-only transaction, but a few privileges act
// outside any transaction, so a session that holds them writes or harms the
// server anyway, and no session can shed them (a role it may SET ROLE to
// counts as well):
//  - PostgreSQL: superuser, REPLICATION (replication slots survive the
//    ROLLBACK), the predefined roles pg_read_server_files,
//    pg_write_server_files, pg_execute_server_program and pg_signal_backend,
//    EXECUTE granted on the server-administration functions that PostgreSQL
//    keeps from PUBLIC (pg_read_file, lo_export, pg_reload_conf, ...), and
//    EXECUTE on the functions of the dblink extension when it is installed
//    in the database (dblink_exec writes through a connection of its own,
//    which is not read-only). Not counted: BYPASSRLS (it widens what a role
//    reads, not what it can change), CREATEROLE/CREATEDB (their statements
//    are refused in a read-only transaction), postgres_fdw (the engine
//    refuses INSERT/UPDATE/DELETE/SELECT FOR UPDATE on foreign tables in a
//    read-only transaction, and its own functions only list or close its
//    connections).
//  - MariaDB: the global privileges FILE, SUPER, SHUTDOWN, PROCESS, RELOAD,
//    ALL PRIVILEGES and the 10.5+ parts of SUPER (BINLOG ADMIN, BINLOG
//    REPLAY, CONNECTION ADMIN, FEDERATED ADMIN, READ_ONLY ADMIN, REPLICATION
//    MASTER ADMIN, REPLICATION SLAVE ADMIN, SET USER, SLAVE MONITOR), held
//    directly or through any role the user may SET ROLE to. Not counted:
//    GRANT OPTION and CREATE USER (GRANT, CREATE USER and SET PASSWORD are
//    refused in a read-only transaction), REPLICATION SLAVE and BINLOG
//    MONITOR (replication reads only). MySQL: the same static privileges and
//    their dynamic counterparts (SYSTEM_VARIABLES_ADMIN, ...); a role grant
//    is counted as privileged because its privileges are not inspected.
//  - SQLite has no logins: nothing to inspect.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/connection.h"

namespace aurite::sql {

// One privilege of the login that a read-only transaction cannot contain.
struct DangerousPrivilege {
  std::string name;    // e.g. "superuser", "pg_read_server_files", "FILE"
  std::string effect;  // what a read-only session can still do with it
};

// Inspects the login of `connection` with catalogue queries run on it (each
// in its own read-only call); the privileges in the header comment that it
// holds, directly or through roles, or none. On MariaDB the session's
// current role is restored afterwards. An error means the privileges could
// not be determined.
StatusOr<std::vector<DangerousPrivilege>> FindPostgresPrivileges(Connection& connection);
StatusOr<std::vector<DangerousPrivilege>> FindMariaDbPrivileges(Connection& connection);

// The kPermissionDenied error for a refused login: which privileges, why
// read-only mode cannot contain them, and how to fix it. `user` is the
// login's name (not secret); empty when the client library's default.
Status PrivilegedLoginError(Engine engine, const std::string& user,
                            const std::vector<DangerousPrivilege>& found);

// The warning every result of an opted-in privileged login carries.
std::string ReadOnlyNotEnforcedWarning(const std::vector<DangerousPrivilege>& found);

// The gate OpenConnection applies to every new read-only connection: a
// connection whose login holds none of the privileges is returned as is; one
// that does is refused (PrivilegedLoginError) unless
// options.allow_privileged_login, in which case it is returned wrapped so
// that ReadOnlyWarning() names what read-only mode does not stop. Writing
// connections (options.allow_writes) and SQLite are returned as is. Fails
// closed: when the privileges cannot be determined, the connection is
// refused.
StatusOr<std::unique_ptr<Connection>> CheckPrivilegedLogin(std::unique_ptr<Connection> connection,
                                                           const ConnectionConfig& config,
                                                           const OpenOptions& options);

}  // namespace aurite::sql
