// Issuer discovery and JWKS fetching (oauth_discovery.h).
#include "host/oauth_discovery.h"

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

namespace aurite::host {
namespace {

// Where RFC 8414 puts the metadata of an issuer with a path: the
// well-known segment between the origin and the path.
std::string Rfc8414Url(const std::string& issuer) {
  const std::size_t authority = issuer.find("://") + 3;
  const std::size_t path = issuer.find('/', authority);
  if (path == std::string::npos) return issuer + "/.well-known/oauth-authorization-server";
  std::string tail = issuer.substr(path);
  if (tail == "/") tail.clear();
  return issuer.substr(0, path) + "/.well-known/oauth-authorization-server" + tail;
}

std::string OpenIdUrl(std::string issuer) {
  if (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  return issuer + "/.well-known/openid-configuration";
}

}  // namespace

StatusOr<std::string> FetchIssuerDocument(const std::string& url,
                                          const IssuerFetchOptions& options) {
  AURITE_ASSIGN_OR_RETURN(credentials::HttpEndpoint endpoint,
                          credentials::ParseEndpointUrl(url, "the URL " + url));
  AURITE_ASSIGN_OR_RETURN(
      credentials::HttpAnswer answer,
      credentials::HttpGet(endpoint, {{"Accept", "application/json"}}, options.http));
  if (answer.status != 200) {
    return NotFoundError(url + " answered HTTP " + std::to_string(answer.status));
  }
  return std::string(answer.body.Reveal());
}

StatusOr<IssuerMetadata> DiscoverIssuerMetadata(const std::string& issuer,
                                                const IssuerFetchOptions& options) {
  Status last;
  for (const std::string& url : {Rfc8414Url(issuer), OpenIdUrl(issuer)}) {
    auto text = FetchIssuerDocument(url, options);
    if (!text.ok()) {
      last = text.status();
      if (last.code() == StatusCode::kNotFound) continue;  // try the other location
      break;
    }
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (!doc.is_object()) return UnavailableError(url + " is not a JSON object");
    if (doc.value("issuer", nlohmann::json()) != issuer) {
      return UnauthenticatedError(url + " names another issuer than gateway.auth.issuer (" +
                                  issuer + "); set issuer to exactly the document's");
    }
    return IssuerMetadata{url, std::move(doc)};
  }
  return Status(last.code(), "cannot read the metadata of issuer " + issuer + ": " +
                                 last.message() + "; check gateway.auth.issuer");
}

StatusOr<std::string> IssuerEndpoint(const IssuerMetadata& metadata, const std::string& name) {
  const auto value = metadata.document.value(name, nlohmann::json());
  if (!value.is_string()) return UnavailableError(metadata.url + " has no " + name);
  AURITE_RETURN_IF_ERROR(
      CheckAuthServerUrl(value.get<std::string>(), "the " + name + " of " + metadata.url));
  return value.get<std::string>();
}

StatusOr<std::string> DiscoverJwksUri(const std::string& issuer,
                                      const IssuerFetchOptions& options) {
  auto metadata = DiscoverIssuerMetadata(issuer, options);
  if (!metadata.ok()) {
    return Status(metadata.status().code(),
                  metadata.status().message() + "; or set gateway.auth.jwks_uri");
  }
  return IssuerEndpoint(*metadata, "jwks_uri");
}

security::IssuerKeys::FetchFn JwksFetcher(const GatewayAuthConfig& auth,
                                          IssuerFetchOptions options) {
  struct Discovered {
    std::mutex mu;
    std::string jwks_uri;
  };
  auto state = std::make_shared<Discovered>();
  state->jwks_uri = auth.jwks_uri;
  return [state, issuer = auth.issuer, options]() -> StatusOr<std::string> {
    std::string uri;
    {
      std::lock_guard lock(state->mu);
      uri = state->jwks_uri;
    }
    if (uri.empty()) {
      AURITE_ASSIGN_OR_RETURN(uri, DiscoverJwksUri(issuer, options));
      std::lock_guard lock(state->mu);
      state->jwks_uri = uri;
    }
    return FetchIssuerDocument(uri, options);
  };
}

}  // namespace aurite::host
