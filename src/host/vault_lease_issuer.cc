// Vault's database leases as leases of mode "vault" (vault_lease_issuer.h).
#include "host/vault_lease_issuer.h"

#include <algorithm>

#include "credentials/generated_login.h"
#include "host/made_logins.h"
#include "runtime/log.h"
#include "secrets/vault_client.h"
#include "secrets/vault_database_lease.h"
#include "sql/connection_string.h"

namespace aurite::host {

VaultLeaseIssuer::VaultLeaseIssuer(const ConnectionConfig& connection,
                                   const credentials::VaultCredentials& vault_mode,
                                   StatusOr<std::shared_ptr<secrets::VaultClient>> vault)
    : connection_(connection), mode_(vault_mode), vault_(std::move(vault)) {}

std::string VaultLeaseIssuer::Where() const {
  return "connections." + connection_.name + ".credentials";
}

StatusOr<secrets::VaultClient*> VaultLeaseIssuer::Client() const {
  if (!vault_.ok()) {
    return Status(vault_.status().code(), Where() + ": Vault path '" + mode_.path +
                                              "' cannot be read: " + vault_.status().message());
  }
  return vault_->get();
}

StatusOr<IssuedLogin> VaultLeaseIssuer::Issue(security::LeaseRecord& record, TimePoint now,
                                              const RecordFirst& record_first) {
  AURITE_ASSIGN_OR_RETURN(secrets::VaultClient * vault, Client());
  const std::string_view base = connection_.connection_string.Reveal();
  AURITE_ASSIGN_OR_RETURN(sql::ConnectionConfig target, sql::ParseConnectionString(base));
  record.engine = std::string(sql::EngineName(target.engine));
  record.vault_path = mode_.path;
  record.expires_at = ToUnixSeconds(now);  // until Vault says how long
  record.max_expires_at = record.expires_at;
  AURITE_RETURN_IF_ERROR(record_first(record));
  StatusOr<secrets::VaultDatabaseLogin> login = secrets::ReadVaultDatabaseLogin(*vault, mode_.path);
  if (!login.ok()) {
    return Status(login.status().code(), Where() + ": no login from Vault at " + vault->address() +
                                             ": " + login.status().message());
  }
  record.vault_lease_id = login->lease_id;
  record.user_name = login->username;
  StatusOr<crypto::SecretBuffer> connection_string =
      credentials::LoginConnectionString(base, login->username, login->password);
  if (!connection_string.ok()) {
    return Status(connection_string.status().code(),
                  Where() + ": the login from Vault does not fit the connection string: " +
                      connection_string.status().message());
  }
  const TimePoint expires_at = now + login->lease_duration;
  const TimePoint max_expires_at = login->renewable ? now + kVaultMaxLeaseLength : expires_at;
  return IssuedLogin{
      std::move(connection_string).value(),
      LeaseTerm{expires_at, std::max(expires_at, max_expires_at), login->lease_duration}};
}

StatusOr<LeaseTerm> VaultLeaseIssuer::Renew(const security::LeaseRecord& record, TimePoint now,
                                            std::chrono::seconds length) {
  AURITE_ASSIGN_OR_RETURN(secrets::VaultClient * vault, Client());
  StatusOr<secrets::VaultLeaseRenewal> renewed =
      secrets::RenewVaultLease(*vault, record.vault_lease_id, mode_.increment);
  if (!renewed.ok()) {
    return Status(renewed.status().code(), Where() + ": " + renewed.status().message());
  }
  const std::chrono::seconds asked = mode_.increment.count() > 0 ? mode_.increment : length;
  const TimePoint expires_at = now + renewed->lease_duration;
  // Less than asked: Vault capped it at the lease's max TTL, its last end.
  const bool last = !renewed->renewable || renewed->lease_duration < asked;
  const TimePoint max_expires_at =
      last ? expires_at : std::max(expires_at, FromUnixSeconds(record.max_expires_at));
  return LeaseTerm{expires_at, max_expires_at, renewed->lease_duration};
}

Status VaultLeaseIssuer::Revoke(const security::LeaseRecord& record) {
  if (record.vault_lease_id.empty()) {
    runtime::LogWarn(
        "lease {} of connection '{}' has no Vault lease id (Vault did not answer before it "
        "ended); if Vault issued a login from '{}', it ends at its TTL",
        record.lease_id, record.connection, record.vault_path);
    return OkStatus();
  }
  AURITE_ASSIGN_OR_RETURN(secrets::VaultClient * vault, Client());
  Status revoked = secrets::RevokeVaultLease(*vault, record.vault_lease_id);
  if (!revoked.ok()) return Status(revoked.code(), Where() + ": " + revoked.message());
  return OkStatus();
}

}  // namespace aurite::host
