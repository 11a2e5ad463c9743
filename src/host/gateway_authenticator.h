// GatewayAuthenticator: the gateway's HTTP authenticator (mcp/transport/
// http_auth.h) over its configuration: static bearer tokens, each a named
// principal, and OAuth access tokens (JWTs) of gateway.auth's issuer.
//
// Contract of Authenticate():
//  - A token whose SHA-256 is a configured bearer token's is that
//    principal (kBearerToken, its groups); digests are compared in
//    constant time, all of them.
//  - Otherwise, with gateway.auth, the token must pass VerifyAccessToken
//    with the issuer's keys (IssuerKeys: cached, refetched on an unknown
//    kid at most once a minute), audience = the resource URL and the
//    configured clock skew, and carry a "sub". It is the principal kOAuth
//    "sub", with client_id (or azp), scopes, email, groups (groups_claim,
//    a dotted path), its verified claims and its expiry.
//  - No token or a refused one: 401 with the RFC 6750 challenge (pointing
//    to the metadata document with gateway.auth). A token lacking a
//    required scope: 403 insufficient_scope. No keys to check with (the
//    issuer unreachable and none cached): 503. Fail closed throughout.
//  - Every refusal is reported to `on_failure` (address, the principal
//    when known, why); the token itself never leaves this function.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "host/config.h"
#include "mcp/transport/http_auth.h"
#include "mcp/transport/oauth_resource.h"
#include "security/issuer_keys.h"

namespace aurite::host {

// The canonical URL of the gateway's MCP endpoint, the RFC 8707 resource
// its tokens name: gateway.auth.audience, else http(s)://host:port/mcp
// from the gateway's settings (an error when those cannot name it: a
// wildcard address or port 0).
StatusOr<std::string> GatewayResourceUrl(const GatewayConfig& gateway);

class GatewayAuthenticator {
 public:
  struct Failure {
    std::string_view address;
    std::string_view principal;  // "" when the token named none
    std::string_view reason;     // fixed text or the verifier's, never the token
    int status = 401;
  };
  using FailureSink = std::function<void(const Failure&)>;

  // `fetch_jwks` is used only with gateway.auth (oauth_discovery.h's
  // JwksFetcher in production).
  static StatusOr<std::unique_ptr<GatewayAuthenticator>> Create(
      const GatewayConfig& gateway, security::IssuerKeys::FetchFn fetch_jwks,
      FailureSink on_failure);

  mcp::AuthOutcome Authenticate(std::string_view token, std::string_view address);
  // The protected resource (with gateway.auth), for its metadata document.
  const std::optional<mcp::ProtectedResource>& resource() const { return resource_; }

 private:
  GatewayAuthenticator() = default;
  mcp::AuthOutcome Refuse(int status, std::string_view address, std::string_view principal,
                          std::string_view reason, bool token_given);
  std::shared_ptr<const mcp::AuthInfo> FromClaims(const nlohmann::json& claims) const;

  std::vector<GatewayBearerToken> tokens_;
  std::optional<GatewayAuthConfig> oauth_;
  std::optional<mcp::ProtectedResource> resource_;
  std::string required_scope_;  // space-separated, for challenges
  std::unique_ptr<security::IssuerKeys> keys_;
  FailureSink on_failure_;
};

}  // namespace aurite::host
