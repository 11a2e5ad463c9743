// ConnectionRegistry: the open database connections of an SQL server, by
// connection id.
//
// Contract:
//  - Ids are random (128 bits, "conn_" + base64url): unguessable, never
//    derived from the connection string.
//  - At most `max_connections` ids are open at once; Add() beyond that fails
//    with kResourceExhausted and a message saying how to free one.
//  - Find() hands out shared ownership, so a query in flight keeps its pool
//    alive even if the connection is removed meanwhile.
//  - Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "sql/connection_pool.h"

namespace aurite::servers::sql {

struct OpenConnection {
  std::unique_ptr<aurite::sql::ConnectionPool> pool;
  aurite::sql::Engine engine;
  std::string masked_connection_string;
  std::string server_version;
  // Empty unless the operator allowed a privileged login (ReadOnlyWarning).
  std::string read_only_warning;
  // The access token the connection was opened with, to release on disconnect.
  std::optional<crypto::SecretBuffer> token;
  // The host's id for the token's credential (see ResolvedToken).
  std::string credential_id;
  // The host makes the token's login per resolve (ResolvedToken::login_made):
  // each new physical connection resolves the token again.
  bool login_made = false;
};

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(std::size_t max_connections) : max_connections_(max_connections) {}

  // Returns the new connection id.
  StatusOr<std::string> Add(OpenConnection connection);
  // kNotFound (with a hint) for an unknown id.
  StatusOr<std::shared_ptr<OpenConnection>> Find(const std::string& id) const;
  StatusOr<std::shared_ptr<OpenConnection>> Remove(const std::string& id);
  // Removes every connection opened with credential `credential_id`;
  // returns how many. Calls in flight finish on the pools they hold.
  std::size_t RemoveOpenedWith(const std::string& credential_id);
  std::size_t size() const;

 private:
  const std::size_t max_connections_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<OpenConnection>> connections_;
};

}  // namespace aurite::servers::sql
