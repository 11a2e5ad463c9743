// PostgresHostInstance: this gateway among the gateways that share one
// PostgreSQL store (postgres_store.h), possibly on other machines, and
// whether the gateway that made a lease still runs.
//
// Each gateway holds a session-level advisory lock on the store's server,
// keyed by its instance id, on a connection of its own for its whole life;
// the server lets go of it when that session ends in any way (the process
// killed, its machine gone), so "can the lock be taken" answers "is that
// gateway gone", as flock does for a store file (host_instance.h).
//
// Contract (besides HostInstance's):
//  - IsRunning(id) false means the gateway `id` is gone and this one now
//    answers for its leases: it keeps that gateway's lock, so every other
//    gateway sees it as running and exactly one revokes what it left.
//    When this gateway ends before it is done, the lock is free again and
//    the next to look takes over.
//  - When the store cannot be asked, IsRunning() is true: a lease is never
//    revoked because its owner could not be seen.
//  - The locks are taken again after the lock connection was lost.
//  - Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/status.h"
#include "host/host_instance.h"
#include "host/postgres_link.h"

namespace aurite::host {

class PostgresHostInstance final : public HostInstance {
 public:
  // Picks a random id and takes its lock on the server `config` names.
  static StatusOr<std::unique_ptr<PostgresHostInstance>> Claim(const sql::ConnectionConfig& config);

  PostgresHostInstance(PostgresLink link, std::string id);

  const std::string& id() const override { return id_; }
  bool IsRunning(std::string_view id) const override;
  // Nothing to clean up: a lock leaves nothing behind.
  void Forget(std::string_view) const override {}

 private:
  // Takes the lock of `id` without waiting; true when taken.
  StatusOr<bool> TryLock(std::string_view id) const;
  // After a lost connection, takes the locks held before again.
  Status Relock() const;

  mutable std::mutex mutex_;
  mutable PostgresLink link_;
  std::string id_;
  mutable std::set<std::string, std::less<>> held_;  // our own id and the ids taken over
  mutable int backend_ = 0;                          // the lock session's server process
};

}  // namespace aurite::host
