// EntrySignIn: signs the browser on the connection entry page in at the
// gateway's OAuth issuer (OpenID Connect, authorization code with PKCE), so
// that the page can check that the person entering a connection is the
// user whose session asked for it. The MCP specification requires this of
// URL-mode elicitation: a link forwarded to someone else must not bind
// their secret to the asker's session (elicitation.mdx, "Phishing").
//
// Contract:
//  - Begin(entry_id, origin) returns the issuer's authorization URL for a
//    fresh state (128 random bits), nonce and PKCE verifier, remembered for
//    kLifetime, at most kMaxPending at once (the oldest is dropped beyond).
//    The redirect URI is origin + kCallbackPath; the scope is "openid".
//  - Finish(query, origin) takes the callback's query. The state must be
//    one Begin made for the same origin, and is used up whatever follows;
//    an "error" from the issuer is reported; the code is exchanged at the
//    token endpoint (with the verifier, and the client secret by HTTP
//    Basic when configured); the ID token must pass the issuer's keys with
//    the client id as audience, and carry the nonce. It returns the entry
//    and the subject in PrincipalKey's form: "oauth:<iss> <sub>".
//  - The endpoints come from the issuer's metadata document, fetched on
//    first use (again after a failure).
//  - Errors say what failed, never a code, token, verifier or secret.
//  - Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "host/gateway_auth_config.h"
#include "host/oauth_discovery.h"
#include "security/issuer_keys.h"

namespace aurite::host {

class EntrySignIn {
 public:
  static constexpr const char* kCallbackPath = "/connect/callback";
  static constexpr std::chrono::minutes kLifetime{10};
  static constexpr std::size_t kMaxPending = 256;

  EntrySignIn(const GatewayAuthConfig& auth, security::IssuerKeys::FetchFn fetch_jwks,
              IssuerFetchOptions options = {});

  StatusOr<std::string> Begin(const std::string& entry_id, const std::string& origin);

  struct SignedIn {
    std::string entry_id;
    std::string subject;  // "oauth:<iss> <sub>"
  };
  StatusOr<SignedIn> Finish(std::string_view query, const std::string& origin);

 private:
  struct Endpoints {
    std::string authorization;
    std::string token;
  };
  struct Pending {
    std::string entry_id;
    std::string origin;
    std::string verifier;
    std::string nonce;
    std::chrono::steady_clock::time_point expires;
  };
  StatusOr<Endpoints> Discover();
  // The ID token the token endpoint gives for `code`.
  StatusOr<std::string> Exchange(const Endpoints& endpoints, std::string_view code,
                                 const Pending& pending);

  const std::string issuer_;
  const GatewayEntryPageClient client_;
  const std::chrono::seconds max_skew_;
  const IssuerFetchOptions options_;
  security::IssuerKeys keys_;
  std::mutex mu_;
  std::optional<Endpoints> endpoints_;
  std::map<std::string, Pending, std::less<>> pending_;  // by state
};

}  // namespace aurite::host
