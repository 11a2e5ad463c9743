// Vault's answer to a KV version 2 read (GET /v1/MOUNT/data/PATH):
//
//   200  {"request_id": …, "lease_id": "", …, "data": {"data": {FIELDS},
//         "metadata": {"version": N, "created_time": …, …}}, …}
//   4xx, 5xx  {"errors": ["…", …]}   (404 for a missing secret: "errors": [])
//
// The body is parsed as a WipingJson, so the parser's copies of the secret
// are cleansed when released; the chosen field goes straight into a
// SecretBuffer.
#pragma once

#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "secrets/vault_secret_reference.h"

namespace aurite::secrets {

// The field `reference` names of the secret in `body`, which came with
// HTTP status `http_status` from Vault at `address`. Without a field, the
// secret's only field; kInvalidArgument when it has several (naming them,
// as field names are not secret) or none. Errors, each naming the secret
// (reference.Describe()):
//   403 kPermissionDenied: "permission denied", check the token and its
//       policy; 404 kNotFound (no such secret or version, or Vault's own
//       message such as "no handler for route" for an unknown mount);
//   5xx kUnavailable naming `address`; other statuses kInvalidArgument.
// Vault's "errors" are quoted (at most 512 bytes, control characters
// replaced): they describe the request, never the secret. A missing field
// is kNotFound; a 200 body that is not a KV v2 read (not JSON, no
// data.data object — e.g. a KV version 1 mount) is kFailedPrecondition
// saying so. No message quotes a value of the secret.
StatusOr<crypto::SecretBuffer> ParseVaultKvAnswer(const crypto::SecretBuffer& body, int http_status,
                                                  const VaultSecretReference& reference,
                                                  std::string_view address);

}  // namespace aurite::secrets
