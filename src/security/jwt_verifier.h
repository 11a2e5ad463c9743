// Checking an OAuth 2.1 access token in JWT form (RFC 7519, RFC 9068) the
// way the MCP authorization specification asks of a resource server: the
// token must be signed by a key of its issuer, for this audience, and
// valid now.
//
// Contract of VerifyAccessToken:
//  - Accepted signatures: RS256/384/512 and PS256/384/512 (RSA), ES256/384/
//    512 (EC), EdDSA (Ed25519). "none", HMAC (HS*) and anything else are
//    refused before any key is looked at, and a key is used only for the
//    algorithm its kind and curve fit, so an RSA public key can never serve
//    as an HMAC secret.
//  - Claims: "iss" equals the issuer; "aud" (a string or an array) holds
//    the audience; "exp" is required and "nbf" optional, each with at most
//    `max_skew` of clock skew. A header with "crit" is refused (we know no
//    extension), and "typ", when present, must be JWT or at+jwt.
//  - Errors never contain the token. kUnauthenticated says why the token is
//    refused; kNotFound means no key of `keys` has the token's key id (the
//    issuer may have rotated its keys: refetch them, then try once more).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "security/json_web_keys.h"

namespace aurite::security {

struct AccessTokenRules {
  std::string issuer;
  std::string audience;
  std::chrono::seconds max_skew{60};
};

// The largest token accepted, so a huge header costs nothing to refuse.
inline constexpr std::size_t kMaxAccessTokenBytes = 16 * 1024;

// The token's claims when it passes every check above.
StatusOr<nlohmann::json> VerifyAccessToken(std::string_view token, const JsonWebKeySet& keys,
                                           const AccessTokenRules& rules,
                                           std::chrono::system_clock::time_point now);

}  // namespace aurite::security
