// VaultLeaseIssuer: the leases of credentials mode "vault", each a login
// read from Vault's database secrets engine (GET /v1/{path}), renewed with
// PUT sys/leases/renew and revoked with PUT sys/leases/revoke
// (secrets/vault_database_lease.h). Vault makes and drops the database
// user; the host keeps the lease.
//
// Contract:
//  - Issue() records the lease (with the path, no Vault lease id yet)
//    before it asks Vault, so a crash from then on leaves a record the next
//    start settles; the lease runs for Vault's lease_duration.
//  - Vault does not say a lease's max TTL. A renewable lease may grow up to
//    kVaultMaxLeaseLength (Vault's default system max TTL) from its
//    creation; when Vault grants less than asked (the increment, else the
//    lease's last duration) it has hit its max TTL, and the lease ends then.
//  - Errors name the connection, the path and Vault's address, never the
//    password or the token.
#pragma once

#include <memory>

#include "credentials/credentials_config.h"
#include "host/config.h"
#include "host/lease_issuer.h"

namespace aurite::secrets {
class VaultClient;
}

namespace aurite::host {

inline constexpr std::chrono::hours kVaultMaxLeaseLength{768};

class VaultLeaseIssuer : public LeaseIssuer {
 public:
  // `connection` and `vault_mode` (its credentials block) must outlive
  // this. `vault` is the host's Vault client, or why there is none: then
  // each Issue() fails with that reason.
  VaultLeaseIssuer(const ConnectionConfig& connection,
                   const credentials::VaultCredentials& vault_mode,
                   StatusOr<std::shared_ptr<secrets::VaultClient>> vault);

  StatusOr<IssuedLogin> Issue(security::LeaseRecord& record, TimePoint now,
                              const RecordFirst& record_first) override;
  StatusOr<LeaseTerm> Renew(const security::LeaseRecord& record, TimePoint now,
                            std::chrono::seconds length) override;
  // Revokes Vault's lease; a record without one (Vault never answered) is
  // settled with a warning: if Vault made a lease, it ends at its TTL.
  Status Revoke(const security::LeaseRecord& record) override;

 private:
  // The client, or an error naming the connection and why Vault is unusable.
  StatusOr<secrets::VaultClient*> Client() const;
  std::string Where() const;

  const ConnectionConfig& connection_;
  const credentials::VaultCredentials& mode_;
  const StatusOr<std::shared_ptr<secrets::VaultClient>> vault_;
};

}  // namespace aurite::host
