// Vault's error answers ({"errors": ["…"]} with a 4xx or 5xx status) as
// Statuses, the same way for every Vault call Aurite makes (KV reads, the
// database secrets engine's credentials, lease renewal and revocation).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "secrets/wiping_json.h"

namespace aurite::secrets {

// Vault's "errors" joined with "; " as a peer's text (at most 512 bytes,
// control characters replaced); "" when there are none.
std::string VaultErrors(const WipingJson& document);

// The same for an answer's body.
std::string VaultErrors(const crypto::SecretBuffer& body);

// The Status of a Vault answer with HTTP status `http_status` (not 2xx) to
// a request to `verb` (e.g. "read") `subject` (e.g. "Vault secret 'x/y'"),
// `gerund` being the verb's -ing form ("reading"):
//   403 kPermissionDenied: check the token and its policy;
//   404 kNotFound: `subject` does not exist at `address`;
//   5xx kUnavailable naming `address`; other statuses kInvalidArgument.
// Each quotes Vault's "errors", which describe the request, never a secret.
Status VaultErrorStatus(const WipingJson& document, int http_status, const std::string& subject,
                        std::string_view address, std::string_view verb, std::string_view gerund);

}  // namespace aurite::secrets
