// How the gateway, as an OAuth client, writes form bodies and presents its
// client credentials to an authorization server (RFC 6749 §2.3.1): for
// token introspection (token_introspection.h) and for the entry page's
// sign-in (entry_sign_in.h). Both keep secrets in SecretBuffers.
#pragma once

#include <string_view>

#include "crypto/secret_buffer.h"

namespace aurite::host {

// Appends `text` application/x-www-form-urlencoded to `out`.
void AppendFormEncoded(std::string_view text, crypto::SecretBuffer& out);

// The Authorization header value "Basic base64(form(id) ':' form(secret))".
crypto::SecretBuffer BasicClientCredentials(std::string_view client_id,
                                            const crypto::SecretBuffer& client_secret);

}  // namespace aurite::host
