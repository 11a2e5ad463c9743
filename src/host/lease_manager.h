// LeaseManager: the logins the host leases for connections whose
// credentials are made per connect_storage, each a lease that ends by
// itself: mode "dynamic" (database users the host makes, HashiCorp Vault's
// dynamic roles built in) and mode "vault" (logins from Vault's database
// secrets engine). One lifecycle serves both; what differs per mode is a
// LeaseIssuer (lease_issuer.h).
//
// Contract:
//  - Open() makes a lease: the issuer writes the lease record to the store
//    (through this class) before it asks the database or Vault anything,
//    then makes the login; the record is stored again with what the issuer
//    learnt (Vault's lease id). Open() returns the login connection string.
//    If making fails, the login is revoked (it may exist half-made) and the
//    record deleted.
//  - Touch() notes that the lease's connection was used. A used lease is
//    renewed by the background thread once less than a third of the length
//    it was last granted for is left, never past its max_expires_at. An
//    unused one runs out. A renewal the issuer answers with kNotFound (the
//    user or Vault's lease is gone) ends the lease at once, audited and
//    logged with the reason; other failed renewals leave it to end on time.
//  - End() revokes a lease now; the background thread does the same when a
//    lease runs out, within a second. Revoking calls `on_end` first (the
//    host revokes the lease's token, so the backend closes its connection
//    and no new one opens), then the issuer's Revoke() (drop the user, or
//    revoke Vault's lease), then deletes the record. A revocation that fails is kept in the store
//    as "revoking" and retried (1 s, doubling, at most 5 min apart) until it succeeds: it is never
//    forgotten. Every step is audited with the connection, the user, the lease id and Vault's lease
//    id, never a password.
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
#include "crypto/secret_buffer.h"
#include "host/host_instance.h"
#include "host/lease_issuer.h"
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

  // `issuers` are those of the leased connections, by name. `instance`
  // tells running hosts from ended ones.
  LeaseManager(security::SecurityManager& manager, const HostInstance& instance,
               LeaseIssuers issuers, Clock clock = std::chrono::system_clock::now);
  ~LeaseManager();
  LeaseManager(const LeaseManager&) = delete;
  LeaseManager& operator=(const LeaseManager&) = delete;

  // True when `connection` has an issuer (mode "dynamic" or "vault").
  bool IsLeased(std::string_view connection) const;

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
  struct Live;
  // Revokes the lease in `record` (already marked revoking in the store);
  // on failure schedules a retry.
  void Revoke(security::LeaseRecord record, std::string_view why);
  void Run(std::stop_token stop);
  void RenewDue(std::chrono::system_clock::time_point now);
  void ExpireDue(std::chrono::system_clock::time_point now);
  void RetryDue(std::chrono::system_clock::time_point now);
  // An error only when a created lease cannot be recorded (fail closed).
  Status Audit(security::LeaseEvent event, const security::LeaseRecord& record,
               std::string_view outcome, std::string_view reason);

  security::SecurityManager& manager_;
  const HostInstance& instance_;
  const Clock clock_;
  const LeaseIssuers issuers_;

  mutable std::mutex mu_;
  std::condition_variable_any wake_;
  std::map<std::string, Live> live_;                       // by lease id
  std::map<std::string, security::LeaseRecord> retrying_;  // revocations to retry
  EndListener on_end_;
  bool shut_down_ = false;
  std::jthread worker_;
};

}  // namespace aurite::host
