// Connection ids and their pools.
#include "servers/sql/connection_registry.h"

#include <array>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/random.h"

namespace aurite::servers::sql {
namespace {

std::string NewConnectionId() {
  std::array<unsigned char, 16> bytes;
  crypto::FillRandom(bytes);
  return "conn_" + crypto::Base64UrlEncode(bytes, crypto::Padding::kUnpadded);
}

Status UnknownId() {
  return NotFoundError(
      "no open connection has this connection_id; call connect_database to get one (ids end "
      "with disconnect or when the server restarts)");
}

}  // namespace

StatusOr<std::string> ConnectionRegistry::Add(OpenConnection connection) {
  std::lock_guard lock(mutex_);
  if (connections_.size() >= max_connections_) {
    return ResourceExhaustedError("this server already has " + std::to_string(max_connections_) +
                                  " open connections; disconnect one first");
  }
  std::string id = NewConnectionId();
  connections_[id] = std::make_shared<OpenConnection>(std::move(connection));
  return id;
}

StatusOr<std::shared_ptr<OpenConnection>> ConnectionRegistry::Find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return UnknownId();
  return it->second;
}

StatusOr<std::shared_ptr<OpenConnection>> ConnectionRegistry::Remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return UnknownId();
  std::shared_ptr<OpenConnection> connection = std::move(it->second);
  connections_.erase(it);
  return connection;
}

std::size_t ConnectionRegistry::RemoveOpenedWith(const std::string& credential_id) {
  if (credential_id.empty()) return 0;
  std::vector<std::shared_ptr<OpenConnection>> removed;  // destroyed outside the lock
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->second->credential_id == credential_id) {
        removed.push_back(std::move(it->second));
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  return removed.size();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

}  // namespace aurite::servers::sql
