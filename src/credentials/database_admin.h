// DatabaseAdmin: a session of the `admin` login of a connection whose
// credentials are dynamic users or a rotated password, and the database side
// of both modes: creating, renewing and dropping dynamic users, and
// changing a static user's password. The host's lease manager decides when
// and persists the leases; this class only talks to the database.
//
// Contract:
//  - Open() connects through the sql layer with writes allowed; each
//    statement is one sql::Connection call, so one transaction. A lost
//    session is opened again by the next call.
//  - Statements come from the operator's templates or the engine's defaults
//    (admin_statements.h); values are quoted, never spliced
//    (sql_quoting.h). A statement holding a password is built in a
//    SecretBuffer and handed to the driver as a view of it.
//  - On PostgreSQL {{password}} is a SCRAM-SHA-256 verifier of the password,
//    not the password (scram_verifier.h says why); passwords must then be
//    printable ASCII, which NewPassword()'s are.
//  - On MariaDB the new user runs SET DEFAULT ROLE for itself, in a short
//    session of its own: setting another user's default role needs UPDATE
//    on the mysql database, which would let the admin change any account.
//  - Status messages never contain a password or verifier: the drivers'
//    text is scrubbed of the admin's password, of the generated one and of
//    every run of 4 or more of its characters (an engine's "near '…'" may
//    quote part of a failed statement), and of 8 or more of the verifier's.
//  - Not thread-safe: one caller at a time (open one DatabaseAdmin per
//    thread that needs one).
// What the admin login needs on each engine: docs/credentials.md.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "credentials/admin_statements.h"
#include "credentials/credentials_config.h"
#include "credentials/sql_quoting.h"
#include "crypto/secret_buffer.h"
#include "sql/connection.h"

namespace aurite::credentials {

class DatabaseAdmin {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Opens the admin session. kInvalidArgument for a connection string that
  // does not parse, kFailedPrecondition for SQLite (no users) or a session
  // whose encoding is not UTF-8 (sql_quoting.h), else the driver's error.
  static StatusOr<std::unique_ptr<DatabaseAdmin>> Open(
      const crypto::SecretBuffer& admin_connection_string);
  static StatusOr<std::unique_ptr<DatabaseAdmin>> Open(sql::ConnectionConfig admin);

  // Only Open() makes the key; the constructor is public for make_unique.
  class OpenKey {
    friend class DatabaseAdmin;
    OpenKey() = default;
  };
  DatabaseAdmin(OpenKey, sql::ConnectionConfig config, std::unique_ptr<sql::Connection> connection,
                SqlQuoting quoting);

  sql::Engine engine() const { return quoting_.engine; }

  // Creates user `name` with `password`, valid until `expires_at`
  // (PostgreSQL; on MariaDB the caller enforces it), member of `grant_roles`
  // and nothing else. kAlreadyExists when the user exists (it is left
  // alone); kInvalidArgument for a name longer than the engine keeps. When a
  // statement fails after the user was created, the user is revoked again
  // and the error returned.
  Status CreateUser(std::string_view name, const crypto::SecretBuffer& password,
                    TimePoint expires_at, const std::vector<std::string>& grant_roles,
                    const StatementTemplates& templates);
  // Moves the user's expiry to `expires_at`. kNotFound when the user does
  // not exist.
  Status RenewUser(std::string_view name, TimePoint expires_at,
                   const StatementTemplates& templates);
  // Ends the user's sessions and drops it (default statements; revocation
  // templates replace them). OK when the user does not exist: nothing is run
  // then, so crash recovery may call it for users that were never created.
  Status RevokeUser(std::string_view name, const StatementTemplates& templates);
  // Sets the password of the existing user `user` (mode "rotate"); its open
  // sessions stay up. `rotation_statements` replace the default ALTER.
  Status SetPassword(std::string_view user, const crypto::SecretBuffer& password,
                     const std::vector<std::string>& rotation_statements);
  // Whether user `name` exists (MariaDB: the account `name`@'%').
  StatusOr<bool> UserExists(std::string_view name);

 private:
  static StatusOr<SqlQuoting> ReadQuoting(sql::Connection& connection);
  Status EnsureConnected();
  Status CheckName(std::string_view name) const;
  // `password` in the form {{password}} takes (see the contract).
  StatusOr<crypto::SecretBuffer> PasswordValue(const crypto::SecretBuffer& password) const;
  struct Secrets;
  Status Run(const std::vector<AdminStatement>& statements, std::string_view what,
             const Secrets& secrets);
  Status SetDefaultRole(std::string_view name, const crypto::SecretBuffer& password,
                        const std::string& role, const Secrets& secrets);
  Status Scrubbed(const Status& status, std::string_view what, const Secrets& secrets) const;

  sql::ConnectionConfig config_;
  std::unique_ptr<sql::Connection> connection_;
  SqlQuoting quoting_;
};

}  // namespace aurite::credentials
