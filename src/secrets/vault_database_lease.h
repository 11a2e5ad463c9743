// Vault's database secrets engine and lease API as credentials mode
// "vault" uses them (developer.hashicorp.com/vault/api-docs/secret/databases
// and /vault/api-docs/system/leases):
//
//   GET /v1/{path}  (e.g. database/creds/app)
//     200 {"lease_id": "database/creds/app/AbC…", "renewable": true,
//          "lease_duration": 3600, "data": {"username": "v-…", "password": "…"}, …}
//   PUT /v1/sys/leases/renew {"lease_id": …, "increment": SECONDS}
//     200 {"lease_id": …, "renewable": true, "lease_duration": SECONDS, …}
//   PUT /v1/sys/leases/revoke {"lease_id": …}
//     204 (also for a lease Vault no longer knows: revoking is idempotent)
//   4xx, 5xx {"errors": ["…"]}  (vault_errors.h)
//
// Lease ids and user names are not secret (Vault's own audit and UI show
// them); the password is, and goes from the answer (parsed as a WipingJson)
// straight into a SecretBuffer. No message quotes it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "secrets/vault_client.h"

namespace aurite::secrets {

struct VaultDatabaseLogin {
  std::string lease_id;
  std::chrono::seconds lease_duration{0};
  bool renewable = false;
  std::string username;
  crypto::SecretBuffer password;
};

struct VaultLeaseRenewal {
  std::chrono::seconds lease_duration{0};  // from now; may be less than asked (max TTL)
  bool renewable = false;
};

// The answer (`body`, HTTP status `http_status`) of Vault at `address` to
// GET /v1/{path}. Errors name the path: Vault's error statuses as
// vault_errors.h says; a 200 body without a non-empty lease_id, a
// lease_duration above zero, and data.username and data.password strings is
// kFailedPrecondition asking whether `path` is a role of the database
// secrets engine.
StatusOr<VaultDatabaseLogin> ParseVaultDatabaseLoginAnswer(const crypto::SecretBuffer& body,
                                                           int http_status, std::string_view path,
                                                           std::string_view address);

// The answer to PUT sys/leases/renew for `lease_id`. A lease Vault does not
// know (any more), i.e. 400 or 404 naming it, is kNotFound ("revoked or
// expired at Vault"); other errors as vault_errors.h says; a 200 body
// without a lease_duration is kFailedPrecondition.
StatusOr<VaultLeaseRenewal> ParseVaultRenewalAnswer(const crypto::SecretBuffer& body,
                                                    int http_status, std::string_view lease_id,
                                                    std::string_view address);

// GET /v1/{path} through `vault`, parsed as above.
StatusOr<VaultDatabaseLogin> ReadVaultDatabaseLogin(VaultClient& vault, std::string_view path);
// PUT sys/leases/renew; `increment` 0 sends none (Vault then renews by the
// lease's own duration).
StatusOr<VaultLeaseRenewal> RenewVaultLease(VaultClient& vault, std::string_view lease_id,
                                            std::chrono::seconds increment);
// PUT sys/leases/revoke; OK on 2xx.
Status RevokeVaultLease(VaultClient& vault, std::string_view lease_id);

}  // namespace aurite::secrets
