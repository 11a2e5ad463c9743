// LeaseManager: the database users the host makes for connections with
// "credentials": {"mode": "dynamic"}, one per connect_storage, each a lease
// that ends by itself (HashiCorp Vault's dynamic roles, built into the host).
//
// Contract:
//  - Open() makes a lease: it writes the lease record to the store first,
//    then creates the user through the connection's admin session, and
//    returns the login connection string. If creating fails, the user is
//    revoked (it may exist half-made) and the record deleted.
//  - Touch() notes that the lease's connection was used. A used lease is
//    renewed by the background thread once less than a third of its
//    default_ttl is left: its expiry moves to now + default_ttl, never past
//    created + max_ttl. An unused one runs out.
//  - End() revokes a lease now; the background thread does the same when a
//    lease runs out, within a second. Revoking calls `on_end` first (the
//    host revokes the lease's token, so the backend closes its connection
//    and no new one opens), then ends the user's sessions and drops it, then
//    deletes the record. A revocation that fails is kept in the store as
//    "revoking" and retried (1 s, doubling, at most 5 min apart) until it
//    succeeds: it is never forgotten. Every step is audited with the
//    connection, the user and the lease id, never a password.
//  - Recover() revokes the leases in the store whose host is no longer
//    running (HostInstance): what a crashed or killed run left behind.
//  - Shutdown() ends every lease of this host and stops the thread; leases
//    it could not revoke stay in the store for the next start.
//  - Thread-safe. Admin sessions are per connection and used one call at a
//    time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "credentials/credentials_config.h"
#include "credentials/database_admin.h"
#include "crypto/secret_buffer.h"
#include "host/config.h"
#include "host/host_instance.h"
#include "security/security_manager.h"

namespace aurite::host {

struct OpenedLease {
  std::string lease_id;
  std::string user_name;
  crypto::SecretBuffer connection_string;  // the base string with the new login
  std::chrono::system_clock::time_point expires_at;
  std::chrono::system_clock::time_point max_expires_at;
};

class LeaseManager {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // Called with the lease id when a lease ends, before its user is dropped.
  using EndListener = std::function<void(const std::string& lease_id)>;

  // `connections` are the configured ones; those with mode "dynamic" get
  // leases. `instance` tells running hosts from ended ones.
  LeaseManager(security::SecurityManager& manager, const HostInstance& instance,
               const std::vector<ConnectionConfig>& connections,
               Clock clock = std::chrono::system_clock::now);
  ~LeaseManager();
  LeaseManager(const LeaseManager&) = delete;
  LeaseManager& operator=(const LeaseManager&) = delete;

  // True when `connection` is configured with mode "dynamic".
  bool IsDynamic(std::string_view connection) const;

  // Revokes what ended hosts left (see above), then starts the background
  // thread. Errors only when the store cannot be read.
  Status Start(EndListener on_end);

  StatusOr<OpenedLease> Open(std::string_view connection);
  void Touch(const std::string& lease_id);
  void End(const std::string& lease_id, std::string_view why);
  void Shutdown();

  // The expiry of a live lease, for list_connections; nullopt if none.
  std::optional<std::chrono::system_clock::time_point> ExpiresAt(const std::string& lease_id) const;

 private:
  struct Connection;
  struct Live;
  // Revokes the lease in `record` (already marked revoking in the store);
  // on failure schedules a retry.
  void Revoke(security::LeaseRecord record, std::string_view why);
  void Run(std::stop_token stop);
  void RenewDue(std::chrono::system_clock::time_point now);
  void ExpireDue(std::chrono::system_clock::time_point now);
  void RetryDue(std::chrono::system_clock::time_point now);
  void Audit(security::LeaseEvent event, const security::LeaseRecord& record,
             std::string_view outcome, std::string_view reason);

  security::SecurityManager& manager_;
  const HostInstance& instance_;
  const Clock clock_;
  std::map<std::string, std::unique_ptr<Connection>, std::less<>> connections_;

  mutable std::mutex mu_;
  std::condition_variable_any wake_;
  std::map<std::string, Live> live_;                       // by lease id
  std::map<std::string, security::LeaseRecord> retrying_;  // revocations to retry
  EndListener on_end_;
  bool shut_down_ = false;
  std::jthread worker_;
};

}  // namespace aurite::host
