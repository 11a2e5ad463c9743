// What Vault says about a token (developer.hashicorp.com/vault/api-docs/auth/token
// and /auth/approle):
//   login (POST auth/MOUNT/login) and renew-self (POST auth/token/renew-self):
//     {"auth": {"client_token": "hvs.…", "lease_duration": 3600,
//               "renewable": true, …}, …}
//   lookup-self (GET auth/token/lookup-self):
//     {"data": {"id": "hvs.…", "ttl": 3590, "creation_ttl": 3600,
//               "renewable": true, "expire_time": "…", …}, …}
// Both answers hold the token itself, so they are parsed as WipingJson and
// the token goes straight into a SecretBuffer.
#pragma once

#include <chrono>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::secrets {

struct VaultTokenGrant {
  crypto::SecretBuffer token;        // auth.client_token; empty from lookup-self
  std::chrono::seconds ttl{0};       // left from now; 0: the token never expires
  std::chrono::seconds full_ttl{0};  // what a renewal asks for: lease_duration or creation_ttl
  bool renewable = false;
};

// The "auth" object of a 200 login or renew-self answer. `what` names the
// call for messages (e.g. "the AppRole login at https://…"): kUnavailable
// when the body is not JSON or lacks auth.client_token or a numeric
// auth.lease_duration. Messages never quote the body.
StatusOr<VaultTokenGrant> ParseVaultAuthAnswer(const crypto::SecretBuffer& body,
                                               std::string_view what);

// The "data" object of a 200 lookup-self answer (data.ttl, data.creation_ttl
// when present, else data.ttl; data.renewable). Errors as above.
StatusOr<VaultTokenGrant> ParseVaultLookupAnswer(const crypto::SecretBuffer& body,
                                                 std::string_view what);

}  // namespace aurite::secrets
