// LeaseIssuer: what one credentials mode does for the LeaseManager, which
// owns the lease's lifecycle (record first, audit, renewal while used,
// expiry, retried revocation, recovery of a crashed run). Mode "dynamic"
// makes database users through the admin login (database_user_issuer.h);
// mode "vault" asks Vault's database secrets engine (vault_lease_issuer.h).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "security/lease_records.h"

namespace aurite::host {

struct LeaseTerm {
  std::chrono::system_clock::time_point expires_at;
  std::chrono::system_clock::time_point max_expires_at;  // no renewal goes past it
  // How long the lease was granted for: it is renewed when less than a
  // third of this is left.
  std::chrono::seconds length{0};
};

struct IssuedLogin {
  crypto::SecretBuffer connection_string;  // the connection's string with the login
  LeaseTerm term;
};

class LeaseIssuer {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  // Stores the record; an error means nothing may be asked of anyone.
  using RecordFirst = std::function<Status(const security::LeaseRecord&)>;

  virtual ~LeaseIssuer() = default;

  // Makes the login of a new lease. `record` holds its id, connection,
  // creation time and host; Issue() fills in what a revocation needs to
  // know beforehand (engine, user name or Vault path, provisional times)
  // and calls `record_first` with it BEFORE it asks the database or Vault
  // anything, returning its error if it fails. Afterwards it adds what it
  // learnt (Vault's lease id and user name) to `record`, also when it then
  // fails, so the caller can revoke what exists. Errors name the connection.
  virtual StatusOr<IssuedLogin> Issue(security::LeaseRecord& record, TimePoint now,
                                      const RecordFirst& record_first) = 0;

  // Extends the lease of `record`, last granted for `length`. kNotFound
  // when the login no longer exists (its user was dropped, Vault revoked
  // the lease): the lease must end. Other errors leave it as it was.
  virtual StatusOr<LeaseTerm> Renew(const security::LeaseRecord& record, TimePoint now,
                                    std::chrono::seconds length) = 0;

  // Ends the login of `record`; OK when it does not exist (any more), so a
  // record of a lease whose making was cut short can be settled.
  virtual Status Revoke(const security::LeaseRecord& record) = 0;
};

// The issuers of the leased connections, by connection name.
using LeaseIssuers = std::map<std::string, std::unique_ptr<LeaseIssuer>, std::less<>>;

}  // namespace aurite::host
