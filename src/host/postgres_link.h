// PostgresLink: one libpq connection of the shared credential store
// (postgres_store.h), reopened when it is lost, running parameterised
// statements and reporting errors without a secret.
//
// Contract:
//  - Run() opens the connection when there is none (or it broke), runs the
//    statement with its parameters as text, and returns the result when it
//    succeeded. When the statement failed because the connection was lost
//    and `retry` allows it, it reconnects and runs it once more: a store
//    whose server restarted serves the next call.
//  - Errors name the store (its URL without the password), what was being
//    done and the server's reason, scrubbed of the password.
//  - Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/connection_config.h"
#include "sql/libpq_library.h"

namespace aurite::host {

// A statement parameter: text, or SQL NULL.
using PgParam = std::optional<std::string>;

class PostgresLink {
 public:
  // `config` is a parsed postgresql:// connection string; nothing connects
  // until the first Run() or Connect().
  explicit PostgresLink(sql::ConnectionConfig config);

  // Opens the connection now (if it is not open). Errors: Unavailable.
  Status Connect();

  // Runs `sql` with `params` ($1, $2, ...). `what` says what was being done,
  // for the error ("cannot store a credential"). `retry`: whether running it
  // again after a lost connection is safe.
  StatusOr<sql::PgResultHandle> Run(std::string_view sql, const std::vector<PgParam>& params,
                                    std::string_view what, bool retry = true);
  // Runs statements without parameters (BEGIN, COMMIT, a migration's DDL),
  // once: never again after a lost connection.
  Status Execute(std::string_view sql, std::string_view what);
  // Rolls back the open transaction, if any; errors are ignored.
  void RollbackQuietly();

  // The open connection, or nullptr: for reading notifications.
  PGconn* connection() const { return conn_.get(); }
  // Closes the connection (the next Run() opens a new one).
  void Close() { conn_.reset(); }

  // The server process of the connection, or 0 when there is none.
  int BackendPid() const;
  // The store for messages: "credential store 'postgresql://user@host:port/db'".
  std::string Describe() const;
  // The store's URL without its password or options.
  std::string Url() const;
  // The server's error for `what`, scrubbed: for callers that read a result.
  Status Error(std::string_view what, const PGresult* result) const;
  const sql::ConnectionConfig& config() const { return config_; }

 private:
  sql::ConnectionConfig config_;
  sql::PgConnHandle conn_;
};

// The text of field (row, column) of `result`.
std::string_view PgField(const PGresult* result, int row, int column);
bool PgIsNull(const PGresult* result, int row, int column);
// The field as a whole number; nullopt when NULL or not a number.
std::optional<std::int64_t> PgInteger(const PGresult* result, int row, int column);

}  // namespace aurite::host
