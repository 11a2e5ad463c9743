// Opaque access tokens (not JWTs) checked by asking the issuer: OAuth 2.0
// Token Introspection (RFC 7662), for gateway.auth.introspection.
//
// Contract of IntrospectToken:
//  - POSTs token=<token>&token_type_hint=access_token to the endpoint with
//    HTTP Basic client authentication (client_id, client_secret; RFC 6749
//    §2.3.1 form-encoding), bounded like discovery (oauth_discovery.h). The
//    token and secret are held in SecretBuffers while sent.
//  - The answer must be 200 JSON with "active": true, an "exp" in the
//    future (with rules.max_skew), "aud" (string or array) holding
//    rules.audience, "iss" equal to rules.issuer when present, and a "sub".
//    Then it is the token's claims (iss filled in when absent).
//  - kUnauthenticated says why a token is refused; kUnavailable when the
//    endpoint cannot be asked (fail closed: the caller refuses the token).
//    No error holds the token, the secret or the answer's text.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "host/oauth_discovery.h"
#include "security/jwt_verifier.h"

namespace aurite::host {

StatusOr<nlohmann::json> IntrospectToken(std::string_view token,
                                         const GatewayIntrospection& introspection,
                                         const security::AccessTokenRules& rules,
                                         std::chrono::system_clock::time_point now,
                                         const IssuerFetchOptions& options = {});

}  // namespace aurite::host
