// RFC 7662 token introspection (token_introspection.h).
#include "host/token_introspection.h"

#include "host/oauth_client_auth.h"

namespace aurite::host {
namespace {

bool AudienceHolds(const nlohmann::json& aud, const std::string& audience) {
  if (aud.is_string()) return aud == audience;
  if (!aud.is_array()) return false;
  for (const auto& item : aud) {
    if (item == audience) return true;
  }
  return false;
}

}  // namespace

StatusOr<nlohmann::json> IntrospectToken(std::string_view token,
                                         const GatewayIntrospection& introspection,
                                         const security::AccessTokenRules& rules,
                                         std::chrono::system_clock::time_point now,
                                         const IssuerFetchOptions& options) {
  if (token.size() > security::kMaxAccessTokenBytes) {
    return UnauthenticatedError("the access token is too large");
  }
  AURITE_ASSIGN_OR_RETURN(
      credentials::HttpEndpoint endpoint,
      credentials::ParseEndpointUrl(introspection.endpoint, "gateway.auth.introspection.endpoint"));
  crypto::SecretBuffer body = crypto::SecretBuffer::CopyFrom("token=");
  AppendFormEncoded(token, body);
  body.Append("&token_type_hint=access_token");
  const crypto::SecretBuffer authorization =
      BasicClientCredentials(introspection.client_id, *introspection.client_secret);
  auto answer = credentials::HttpPost(endpoint,
                                      {{"Authorization", authorization.Reveal()},
                                       {"Content-Type", "application/x-www-form-urlencoded"},
                                       {"Accept", "application/json"}},
                                      body.Reveal(), options.http);
  if (!answer.ok()) {
    return UnavailableError("cannot ask the introspection endpoint: " + answer.status().message());
  }
  if (answer->status != 200) {
    return UnavailableError("the introspection endpoint answered HTTP " +
                            std::to_string(answer->status) +
                            "; check gateway.auth.introspection's client_id and client_secret");
  }
  auto claims = nlohmann::json::parse(answer->body.Reveal(), nullptr, false);
  if (!claims.is_object()) return UnavailableError("the introspection answer is not JSON");
  if (claims.value("active", false) != true) {
    return UnauthenticatedError("the access token is not active");
  }
  const auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number()) {
    return UnauthenticatedError("the introspection answer has no exp");
  }
  const auto expires =
      std::chrono::system_clock::time_point(std::chrono::seconds(exp->get<std::int64_t>()));
  if (now >= expires + rules.max_skew) return UnauthenticatedError("the access token expired");
  if (!AudienceHolds(claims.value("aud", nlohmann::json()), rules.audience)) {
    return UnauthenticatedError("the access token is for another audience");
  }
  if (claims.contains("iss") && claims["iss"] != rules.issuer) {
    return UnauthenticatedError("the access token is from another issuer");
  }
  claims["iss"] = rules.issuer;
  return claims;
}

}  // namespace aurite::host
