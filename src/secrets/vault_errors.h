// The "errors" list of a Vault answer ({"errors": ["permission denied"]}),
// as text for Aurite's messages.
#pragma once

#include <string>

#include "crypto/secret_buffer.h"
#include "secrets/wiping_json.h"

namespace aurite::secrets {

// Vault's "errors" joined with "; " as a peer's text (at most 512 bytes,
// control characters replaced, base/text.h); "" when there are none or
// `document` is not an object. Vault's errors describe the request, never
// a secret or a token.
std::string VaultErrors(const WipingJson& document);

// The same for an answer's body.
std::string VaultErrors(const crypto::SecretBuffer& body);

}  // namespace aurite::secrets
