// Who an HTTP request acts for: the authenticator hook of HttpServerOptions,
// and how the server binds a session to the principal that created it.
//
// The transport only carries the bearer token from the request to the
// hook and applies the answer; what a valid token is (a JWT of an OAuth
// issuer, a configured static token) is the application's business, so
// this layer needs no knowledge of JWTs or configuration.
//
// Contract:
//  - An Authenticator gets the bearer token ("" when the request has none)
//    and the client's address. It must not keep the token. It answers with
//    the principal (never null) or a refusal: 401 with an RFC 6750
//    challenge for a missing or invalid token, 403 for insufficient scope.
//  - A session belongs to the principal of the request that initialized
//    it. A request on it whose principal differs (SamePrincipal) is
//    answered like one naming an unknown session (404): it learns nothing
//    about the session and changes nothing of it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mcp/server/auth_info.h"

namespace aurite::mcp {

struct AuthRefusal {
  int status = 401;              // 401 or 403
  std::string message;           // the body; never the token
  std::string www_authenticate;  // the challenge; "" for none
};

using AuthOutcome = std::variant<std::shared_ptr<const AuthInfo>, AuthRefusal>;
using Authenticator =
    std::function<AuthOutcome(std::string_view token, std::string_view client_address)>;

// A stable name for the principal, unique across kinds and issuers:
// "oauth:<iss> <sub>", "bearer:<name>" or "local:<user>".
std::string PrincipalKey(const AuthInfo& auth);

// True when both are null, or both name the same principal (PrincipalKey).
bool SamePrincipal(const AuthInfo* a, const AuthInfo* b);

// Who a stateless (2026-07-28) request acts for, for the tasks it creates:
// its principal, or one anonymous scope when there is none (on a server
// without authentication, a task's 128-bit random id is then what guards it).
std::string StatelessTaskScope(const AuthInfo* auth);

// The authenticator of HttpServerOptions::bearer_token_digests (the simple
// mode): a token whose SHA-256 is listed is the principal "sha256:<first 16
// hex digits>"; otherwise 401 with a `Bearer realm="aurite"` challenge.
Authenticator DigestAuthenticator(std::vector<std::string> digests_hex);

}  // namespace aurite::mcp
