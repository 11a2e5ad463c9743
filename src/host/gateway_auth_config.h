// `gateway.auth` and `gateway.bearer_tokens` in aurite.json: who may use the
// gateway's HTTP transport. gateway.auth makes the gateway an OAuth 2.1
// resource server (MCP authorization, 2025-11-25) that accepts access
// tokens (JWTs) of one issuer; bearer_tokens are static tokens, each a
// named principal. Both may be configured; a request's token is then tried
// as a static token first.
//
//   "gateway": {"auth": {"issuer": "https://idp.example.com/realms/acme",   // required
//                        "audience": "https://aurite.example.com/mcp",     // default: the
//                                                                          // gateway's URL
//                        "jwks_uri": "https://idp.example.com/.../certs",  // default: discovery
//                        "required_scopes": ["db.read"], "scopes_supported": ["db.read"],
//                        "groups_claim": "realm_access.roles",             // default "groups"
//                        "max_clock_skew": "30s",                          // at most 60 s
//                        "introspection": {"endpoint": "https://idp.example.com/.../introspect",
//                                          "client_id": "aurite",
//                                          "client_secret": "${env:INTROSPECTION_SECRET}"},
//                        "entry_page": {"client_id": "aurite-entry-page",       // its redirect
//                        URI:
//                                       "client_secret": "${env:ENTRY_SECRET}"}}, //
//                                       <gateway>/connect/callback
//               "bearer_tokens": ["${env:T1}",                             // the old form
//                                 {"name": "ci", "token": "${env:T2}", "groups": ["ops"]},
//                                 {"name": "bi", "sha256": "<64 hex digits>"}]}
//
// Contract: issuer and jwks_uri are https:// (http:// only on loopback, for
// tests); errors name the key and the fix, and never quote a token.
// A static token is kept only as its SHA-256 digest.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "host/config_fields.h"

namespace aurite::host {

// RFC 7662 introspection, for access tokens that are not JWTs.
struct GatewayIntrospection {
  std::string endpoint;  // https://, or http:// on loopback
  std::string client_id;
  std::shared_ptr<const crypto::SecretBuffer> client_secret;  // shared: the config is copied
};

// The OAuth client the connection entry page signs a browser in with
// (OpenID Connect, authorization code + PKCE), to check that the person on
// the page is the user whose session asked (URL-mode elicitation).
struct GatewayEntryPageClient {
  std::string client_id;
  std::shared_ptr<const crypto::SecretBuffer> client_secret;  // null: a public client
};

struct GatewayAuthConfig {
  std::string issuer;
  std::string audience;  // "": the gateway's canonical URL (GatewayResourceUrl)
  std::string jwks_uri;  // "": from the issuer's discovery document
  std::vector<std::string> required_scopes;
  std::vector<std::string> scopes_supported;
  // The claim holding the principal's groups; dots walk into objects
  // ("realm_access.roles").
  std::string groups_claim = "groups";
  std::chrono::seconds max_clock_skew{60};
  std::optional<GatewayIntrospection> introspection;
  // Required for request_database_connection by OAuth principals.
  std::optional<GatewayEntryPageClient> entry_page;
};

struct GatewayBearerToken {
  std::string name;        // the principal; "sha256:<16 hex>" when not configured
  std::string sha256_hex;  // 64 lower-case hex digits
  std::vector<std::string> groups;
};

// An authorization server's URL: https://, or http:// on loopback. `what`
// names the key for the message.
Status CheckAuthServerUrl(std::string_view url, const std::string& what);

// Reads gateway.auth (`field`) into `auth`.
Status ParseGatewayAuth(const config_json::Field& field, const ReferenceSources& sources,
                        GatewayAuthConfig& auth);

// Reads one entry of gateway.bearer_tokens: a string (a token, references
// allowed) or an object {"name", "token" | "sha256", "groups"}.
StatusOr<GatewayBearerToken> ParseGatewayBearerToken(const config_json::Field& field,
                                                     const ReferenceSources& sources);

}  // namespace aurite::host
