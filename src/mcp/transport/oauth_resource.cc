// RFC 9728 metadata and RFC 6750 challenges (oauth_resource.h).
#include "mcp/transport/oauth_resource.h"

#include <sstream>

namespace aurite::mcp {
namespace {

constexpr std::string_view kWellKnown = "/.well-known/oauth-protected-resource";

bool IsLoopbackHost(std::string_view authority) {
  std::string_view host = authority;
  if (host.starts_with("[")) {
    host = host.substr(0, host.find(']') + 1);
  } else if (auto colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

// A quoted-string of RFC 9110: '"' and '\' escaped, control characters
// dropped.
std::string Quoted(std::string_view value) {
  std::string quoted = "\"";
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace

StatusOr<ProtectedResource> MakeProtectedResource(std::string resource,
                                                  std::vector<std::string> authorization_servers,
                                                  std::vector<std::string> scopes_supported) {
  const std::size_t scheme_end = resource.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : resource.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") {
    return InvalidArgumentError("the gateway's resource URL must start with https://");
  }
  const std::size_t path_start = resource.find('/', scheme_end + 3);
  const std::string authority = resource.substr(scheme_end + 3, path_start == std::string::npos
                                                                    ? std::string::npos
                                                                    : path_start - scheme_end - 3);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return InvalidArgumentError(
        "the gateway's resource URL must name a host (and no user information)");
  }
  if (scheme == "http" && !IsLoopbackHost(authority)) {
    return InvalidArgumentError(
        "the gateway's resource URL must be https:// (http:// only on loopback, for tests)");
  }
  if (resource.find_first_of("?#") != std::string::npos) {
    return InvalidArgumentError("the gateway's resource URL must have no query or fragment");
  }
  if (authorization_servers.empty()) {
    return InvalidArgumentError("the gateway needs at least one authorization server (issuer)");
  }
  ProtectedResource made;
  made.origin = resource.substr(0, scheme_end + 3 + authority.size());
  made.path = path_start == std::string::npos ? "" : resource.substr(path_start);
  if (made.path == "/") made.path.clear();
  made.resource = std::move(resource);
  made.authorization_servers = std::move(authorization_servers);
  made.scopes_supported = std::move(scopes_supported);
  return made;
}

nlohmann::json ProtectedResourceMetadata(const ProtectedResource& resource) {
  nlohmann::json document = {{"resource", resource.resource},
                             {"authorization_servers", resource.authorization_servers},
                             {"bearer_methods_supported", {"header"}}};
  if (!resource.scopes_supported.empty()) document["scopes_supported"] = resource.scopes_supported;
  return document;
}

std::vector<std::string> MetadataPaths(const ProtectedResource& resource) {
  std::vector<std::string> paths = {std::string(kWellKnown) + resource.path};
  if (!resource.path.empty()) paths.emplace_back(kWellKnown);
  return paths;
}

std::string MetadataUrl(const ProtectedResource& resource) {
  return resource.origin + std::string(kWellKnown) + resource.path;
}

std::string UnauthorizedChallenge(const ProtectedResource& resource, std::string_view scope,
                                  bool token_given, std::string_view description) {
  std::string challenge = "Bearer resource_metadata=" + Quoted(MetadataUrl(resource));
  if (!scope.empty()) challenge += ", scope=" + Quoted(scope);
  if (token_given) {
    challenge += ", error=\"invalid_token\"";
    if (!description.empty()) challenge += ", error_description=" + Quoted(description);
  }
  return challenge;
}

std::string InsufficientScopeChallenge(const ProtectedResource& resource,
                                       std::string_view required_scope) {
  return "Bearer error=\"insufficient_scope\", scope=" + Quoted(required_scope) +
         ", resource_metadata=" + Quoted(MetadataUrl(resource));
}

std::vector<std::string> TokenScopes(const nlohmann::json& claims) {
  std::vector<std::string> scopes;
  if (auto scope = claims.find("scope"); scope != claims.end() && scope->is_string()) {
    std::istringstream words(scope->get<std::string>());
    for (std::string word; words >> word;) scopes.push_back(word);
    return scopes;
  }
  if (auto scp = claims.find("scp"); scp != claims.end() && scp->is_array()) {
    for (const auto& item : *scp) {
      if (item.is_string()) scopes.push_back(item.get<std::string>());
    }
  }
  return scopes;
}

}  // namespace aurite::mcp
