// DatabaseUserIssuer: the leases of credentials mode "dynamic", each a
// database user the host makes through the connection's admin login
// (DatabaseAdmin): created valid until the lease's end, its expiry moved on
// renewal (by default_ttl, never past created + max_ttl), dropped on
// revocation with its sessions ended.
#pragma once

#include "credentials/credentials_config.h"
#include "host/admin_session.h"
#include "host/config.h"
#include "host/lease_issuer.h"

namespace aurite::host {

class DatabaseUserIssuer : public LeaseIssuer {
 public:
  // `connection` and `dynamic` (its credentials block) must outlive this.
  DatabaseUserIssuer(const ConnectionConfig& connection,
                     const credentials::DynamicCredentials& dynamic);

  StatusOr<IssuedLogin> Issue(security::LeaseRecord& record, TimePoint now,
                              const RecordFirst& record_first) override;
  StatusOr<LeaseTerm> Renew(const security::LeaseRecord& record, TimePoint now,
                            std::chrono::seconds length) override;
  Status Revoke(const security::LeaseRecord& record) override;

 private:
  const ConnectionConfig& connection_;
  const credentials::DynamicCredentials& dynamic_;
  AdminSession admin_;
};

}  // namespace aurite::host
