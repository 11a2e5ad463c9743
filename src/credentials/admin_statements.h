// The statements DatabaseAdmin sends for each operation: the operator's
// templates (statement_template.h) or the engine's defaults, expanded.
//
// Defaults, PostgreSQL:
//   create  CREATE ROLE {{name}} WITH LOGIN PASSWORD {{password}}
//             VALID UNTIL {{expiration}} [IN ROLE <grant_roles>] ADMIN CURRENT_USER
//           (ADMIN CURRENT_USER makes the admin a member of the new role, which
//           a non-superuser admin needs to end its sessions and DROP OWNED BY it)
//   renew   ALTER ROLE {{name}} VALID UNTIL {{expiration}}
//   revoke  ALTER ROLE {{name}} NOLOGIN; pg_terminate_backend (waiting up to
//           5 s) of each of its sessions; DROP OWNED BY {{name}};
//           DROP ROLE IF EXISTS {{name}}
//   rotate  ALTER ROLE {{name}} WITH PASSWORD {{password}}
// Defaults, MariaDB (accounts are {{name}}@'%'):
//   create  CREATE USER {{name}} IDENTIFIED BY {{password}}; GRANT <role> TO
//           {{name}}; then SET DEFAULT ROLE <role> in a session of the new
//           user (database_admin.h says why)
//   renew   nothing: MariaDB expires passwords in whole days only, so the
//           caller enforces the expiry by revoking
//   revoke  ALTER USER IF EXISTS {{name}} ACCOUNT LOCK; KILL CONNECTION USER
//           {{name}}; DROP USER IF EXISTS {{name}}
//   rotate  ALTER USER {{name}} IDENTIFIED BY {{password}}
// With creation templates, the grant_roles are granted after them (GRANT,
// and on MariaDB the default role), so a user never gets fewer roles than
// configured. Templates of the other kinds replace the defaults whole.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "credentials/sql_quoting.h"
#include "credentials/statement_template.h"
#include "crypto/secret_buffer.h"
#include "sql/query.h"

namespace aurite::credentials {

// One statement for the admin session. `text` may hold a password; the
// bound parameters never do.
struct AdminStatement {
  crypto::SecretBuffer text;
  std::vector<sql::Param> params;
};

// "YYYY-MM-DD HH:MM:SS+00" on PostgreSQL, "YYYY-MM-DD HH:MM:SS" (UTC) on
// MariaDB: the value of {{expiration}}.
std::string ExpirationText(sql::Engine engine, std::chrono::system_clock::time_point at);

// Each returns the statements in order, or kInvalidArgument naming the
// statement (kind and position) that cannot be expanded. `values` must
// carry what the kind uses: name, password and expiration to create; name
// and expiration to renew; name to revoke; name and password to rotate.
// MariaDB allows one default role per user: more than one grant role is
// kInvalidArgument (grant the others to one role and name that).
StatusOr<std::vector<AdminStatement>> CreationStatements(const SqlQuoting& quoting,
                                                         const TemplateValues& values,
                                                         const std::vector<std::string>& roles,
                                                         const std::vector<std::string>& templates);
StatusOr<std::vector<AdminStatement>> RenewalStatements(const SqlQuoting& quoting,
                                                        const TemplateValues& values,
                                                        const std::vector<std::string>& templates);
StatusOr<std::vector<AdminStatement>> RevocationStatements(
    const SqlQuoting& quoting, const TemplateValues& values,
    const std::vector<std::string>& templates);
StatusOr<std::vector<AdminStatement>> RotationStatements(const SqlQuoting& quoting,
                                                         const TemplateValues& values,
                                                         const std::vector<std::string>& templates);

// MariaDB: what the new user runs in its own session so that `role` is
// active at each login (SET DEFAULT ROLE).
StatusOr<AdminStatement> MariaDbDefaultRoleStatement(const SqlQuoting& quoting,
                                                     const std::string& role);

}  // namespace aurite::credentials
