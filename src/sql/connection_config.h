// ConnectionConfig: a parsed, typed database connection string.
//
// Every secret lives in a SecretBuffer: the password, and the value of every
// engine option whose name is secret by crypto::IsSecretKeyName (libpq's
// sslpassword, MariaDB's ssl-passphrase, anything named like a password,
// token or key), the rule the security layer masks by as well. Every other
// field is plain text that may be shown to a person (see Masked()).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "crypto/secret_buffer.h"

namespace aurite::sql {

enum class Engine { kSqlite, kPostgres, kMariaDb };

// "sqlite", "postgresql" or "mariadb".
std::string_view EngineName(Engine engine);

struct ConnectionConfig {
  Engine engine = Engine::kSqlite;
  // Network engines. Empty host means the client library's default.
  std::string host;
  std::optional<int> port;
  std::string user;
  crypto::SecretBuffer password;
  std::string database;
  // SQLite: a file path, or ":memory:".
  std::string path;
  // Engine options passed through to the client library, keyed by the
  // library's own names (libpq keywords such as sslmode; for MariaDB the
  // normalised names listed in docs/sql.md such as ssl-mode). Options whose
  // names are secret are in secret_options instead, never here.
  std::map<std::string, std::string> options;
  // The engine options whose names crypto::IsSecretKeyName calls secret,
  // keyed like `options`.
  std::map<std::string, crypto::SecretBuffer> secret_options;

  // Stores an engine option in secret_options when its name is secret, else
  // in options. `value` is wiped either way.
  void SetOption(const std::string& key, std::string& value);

  ConnectionConfig Clone() const;
  // A URI for display: the password and each secret option's value, if any,
  // are replaced by "****".
  std::string Masked() const;
  // `message` with every occurrence of the password and of each secret
  // option's value replaced by "****" (see ScrubSecret), for client-library
  // error text.
  std::string ScrubSecrets(std::string message) const;
};

// A copy of `secret` followed by a NUL byte, for C APIs that read a string
// in place (libpq's keyword arrays, mysql_optionsv).
crypto::SecretBuffer NulTerminated(const crypto::SecretBuffer& secret);

}  // namespace aurite::sql
