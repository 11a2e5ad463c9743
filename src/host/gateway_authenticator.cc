// The gateway's authenticator (gateway_authenticator.h).
#include "host/gateway_authenticator.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>

#include "mcp/transport/bearer_auth.h"

namespace aurite::host {
namespace {

// The value at a dotted path of claims ("realm_access.roles"), as strings:
// an array's strings, or one string; nothing otherwise.
std::vector<std::string> ClaimStrings(const nlohmann::json& claims, const std::string& path) {
  const nlohmann::json* at = &claims;
  std::size_t start = 0;
  while (at->is_object()) {
    const std::size_t dot = path.find('.', start);
    auto it = at->find(path.substr(start, dot == std::string::npos ? dot : dot - start));
    if (it == at->end()) return {};
    at = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::vector<std::string> out;
  if (at->is_string()) out.push_back(at->get<std::string>());
  if (at->is_array()) {
    for (const auto& item : *at) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

}  // namespace

StatusOr<std::string> GatewayResourceUrl(const GatewayConfig& gateway) {
  if (gateway.auth && !gateway.auth->audience.empty()) return gateway.auth->audience;
  if (gateway.host == "0.0.0.0" || gateway.host == "::" || gateway.port == 0) {
    return InvalidArgumentError(
        "gateway.auth.audience: the gateway listens on a wildcard address or any port, so set "
        "audience to the URL clients reach it at, e.g. \"https://aurite.example.com/mcp\"");
  }
  const std::string host =
      gateway.host.find(':') != std::string::npos ? "[" + gateway.host + "]" : gateway.host;
  return std::string(gateway.tls_cert_file ? "https" : "http") + "://" + host + ":" +
         std::to_string(gateway.port) + "/mcp";
}

StatusOr<std::unique_ptr<GatewayAuthenticator>> GatewayAuthenticator::Create(
    const GatewayConfig& gateway, security::IssuerKeys::FetchFn fetch_jwks,
    FailureSink on_failure) {
  std::unique_ptr<GatewayAuthenticator> made(new GatewayAuthenticator());
  made->tokens_ = gateway.bearer_tokens;
  made->on_failure_ = std::move(on_failure);
  if (gateway.auth) {
    made->oauth_ = *gateway.auth;
    AURITE_ASSIGN_OR_RETURN(std::string resource, GatewayResourceUrl(gateway));
    auto protected_resource = mcp::MakeProtectedResource(resource, {gateway.auth->issuer},
                                                         gateway.auth->scopes_supported);
    if (!protected_resource.ok()) {
      return InvalidArgumentError("gateway.auth.audience: " +
                                  protected_resource.status().message());
    }
    made->resource_ = std::move(protected_resource).value();
    made->oauth_->audience = made->resource_->resource;
    made->required_scope_ = fmt::format("{}", fmt::join(gateway.auth->required_scopes, " "));
    made->keys_ = std::make_unique<security::IssuerKeys>(std::move(fetch_jwks),
                                                         security::IssuerKeys::Options{});
  }
  return made;
}

mcp::AuthOutcome GatewayAuthenticator::Refuse(int status, std::string_view address,
                                              std::string_view principal, std::string_view reason,
                                              bool token_given) {
  if (on_failure_) on_failure_({address, principal, reason, status});
  mcp::AuthRefusal refusal;
  refusal.status = status;
  if (status == 503) {
    refusal.message = "cannot check access tokens now: the issuer's keys are unavailable";
    return refusal;
  }
  refusal.message =
      status == 403 ? "the access token lacks a required scope" : "authentication required";
  if (!resource_) {
    refusal.www_authenticate = token_given ? R"(Bearer realm="aurite", error="invalid_token")"
                                           : R"(Bearer realm="aurite")";
  } else if (status == 403) {
    refusal.www_authenticate = mcp::InsufficientScopeChallenge(*resource_, required_scope_);
  } else {
    refusal.www_authenticate =
        mcp::UnauthorizedChallenge(*resource_, required_scope_, token_given, reason);
  }
  return refusal;
}

std::shared_ptr<const mcp::AuthInfo> GatewayAuthenticator::FromClaims(
    const nlohmann::json& claims) const {
  auto auth = std::make_shared<mcp::AuthInfo>();
  auth->kind = mcp::AuthInfo::Kind::kOAuth;
  auth->principal = claims.value("sub", std::string());
  auth->client_id = claims.value("client_id", claims.value("azp", std::string()));
  auth->scopes = mcp::TokenScopes(claims);
  auth->email = claims.value("email", std::string());
  auth->groups = ClaimStrings(claims, oauth_->groups_claim);
  auth->claims = claims;
  if (const auto exp = claims.find("exp"); exp != claims.end() && exp->is_number()) {
    auth->expires_at =
        std::chrono::system_clock::time_point(std::chrono::seconds(exp->get<std::int64_t>()));
  }
  return auth;
}

mcp::AuthOutcome GatewayAuthenticator::Authenticate(std::string_view token,
                                                    std::string_view address) {
  if (token.empty()) return Refuse(401, address, "", "no bearer token", false);
  if (!tokens_.empty()) {
    const std::string digest = mcp::TokenDigestHex(token);
    const GatewayBearerToken* match = nullptr;
    for (const GatewayBearerToken& configured : tokens_) {  // all of them: constant time
      if (configured.sha256_hex.size() == digest.size() &&
          CRYPTO_memcmp(configured.sha256_hex.data(), digest.data(), digest.size()) == 0) {
        match = &configured;
      }
    }
    if (match != nullptr) {
      auto auth = std::make_shared<mcp::AuthInfo>();
      auth->kind = mcp::AuthInfo::Kind::kBearerToken;
      auth->principal = match->name;
      auth->groups = match->groups;
      return std::shared_ptr<const mcp::AuthInfo>(std::move(auth));
    }
  }
  if (!oauth_) return Refuse(401, address, "", "unknown bearer token", true);
  security::AccessTokenRules rules{oauth_->issuer, oauth_->audience, oauth_->max_clock_skew};
  auto claims = keys_->Verify(token, rules, std::chrono::system_clock::now());
  if (!claims.ok()) {
    if (claims.status().code() == StatusCode::kUnavailable) {
      return Refuse(503, address, "", claims.status().message(), true);
    }
    return Refuse(401, address, "", claims.status().message(), true);
  }
  const auto sub = claims->find("sub");
  if (sub == claims->end() || !sub->is_string() || sub->get<std::string>().empty()) {
    return Refuse(401, address, "", "the access token has no subject (sub)", true);
  }
  auto auth = FromClaims(*claims);
  for (const std::string& scope : oauth_->required_scopes) {
    if (std::find(auth->scopes.begin(), auth->scopes.end(), scope) == auth->scopes.end()) {
      return Refuse(403, address, mcp::PrincipalKey(*auth), "missing scope " + scope, true);
    }
  }
  return auth;
}

}  // namespace aurite::host
