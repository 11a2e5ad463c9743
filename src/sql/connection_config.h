// ConnectionConfig: a parsed, typed database connection string.
//
// The password is the only secret and lives in a SecretBuffer; every other
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
  // normalised names listed in docs/sql.md such as ssl-mode).
  std::map<std::string, std::string> options;

  ConnectionConfig Clone() const;
  // A URI for display: the password, if any, is replaced by "****".
  std::string Masked() const;
};

}  // namespace aurite::sql
