// Finding an OAuth issuer's signing keys: its metadata document (RFC 8414
// `/.well-known/oauth-authorization-server[/path]`, else OpenID Connect
// `/.well-known/openid-configuration`), whose jwks_uri names the JWKS.
//
// Contract:
//  - Every fetch is bounded (IssuerFetchOptions: connect and exchange
//    timeouts, at most max_document_bytes); a larger answer is refused.
//  - The document's "issuer" must equal the configured issuer exactly
//    (RFC 8414 §3.3: a mix-up otherwise), and its jwks_uri must be https://
//    (http:// on loopback only). Errors say which rule failed.
//  - JwksFetcher() is the IssuerKeys fetch function: with no jwks_uri
//    configured it discovers one on first use (again on a later fetch when
//    that failed), then GETs the JWKS (status 200 required).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "credentials/http_post.h"
#include "host/gateway_auth_config.h"
#include "security/issuer_keys.h"

namespace aurite::host {

struct IssuerFetchOptions {
  credentials::HttpRequestOptions http{std::chrono::milliseconds(5'000),
                                       std::chrono::milliseconds(10'000), 256 * 1024, ""};
};

// An issuer's metadata document, and where it was found.
struct IssuerMetadata {
  std::string url;
  nlohmann::json document;  // its "issuer" is the configured issuer, exactly
};
StatusOr<IssuerMetadata> DiscoverIssuerMetadata(const std::string& issuer,
                                                const IssuerFetchOptions& options = {});

// The endpoint `name` (e.g. "token_endpoint") of `metadata`, checked as
// CheckAuthServerUrl does.
StatusOr<std::string> IssuerEndpoint(const IssuerMetadata& metadata, const std::string& name);

// The jwks_uri of `issuer`'s discovery document.
StatusOr<std::string> DiscoverJwksUri(const std::string& issuer,
                                      const IssuerFetchOptions& options = {});

// GETs `url`; its body when the answer is 200, kNotFound for another status.
StatusOr<std::string> FetchIssuerDocument(const std::string& url,
                                          const IssuerFetchOptions& options = {});

security::IssuerKeys::FetchFn JwksFetcher(const GatewayAuthConfig& auth,
                                          IssuerFetchOptions options = {});

}  // namespace aurite::host
