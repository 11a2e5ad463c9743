#include "mcp/transport/http_auth.h"

#include "mcp/transport/bearer_auth.h"

namespace aurite::mcp {

std::string PrincipalKey(const AuthInfo& auth) {
  switch (auth.kind) {
    case AuthInfo::Kind::kOAuth:
      return "oauth:" + auth.claims.value("iss", std::string()) + " " + auth.principal;
    case AuthInfo::Kind::kBearerToken:
      return "bearer:" + auth.principal;
    case AuthInfo::Kind::kLocalUser:
      break;
  }
  return "local:" + auth.principal;
}

bool SamePrincipal(const AuthInfo* a, const AuthInfo* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return PrincipalKey(*a) == PrincipalKey(*b);
}

std::string StatelessTaskScope(const AuthInfo* auth) {
  return auth != nullptr ? "principal:" + PrincipalKey(*auth) : "http-anonymous";
}

Authenticator DigestAuthenticator(std::vector<std::string> digests_hex) {
  return
      [digests = std::move(digests_hex)](std::string_view token, std::string_view) -> AuthOutcome {
        if (token.empty() || !BearerTokenAccepted(token, digests)) {
          return AuthRefusal{401, "authentication required",
                             token.empty() ? R"(Bearer realm="aurite")"
                                           : R"(Bearer realm="aurite", error="invalid_token")"};
        }
        auto auth = std::make_shared<AuthInfo>();
        auth->kind = AuthInfo::Kind::kBearerToken;
        auth->principal = "sha256:" + TokenDigestHex(token).substr(0, 16);
        return std::shared_ptr<const AuthInfo>(std::move(auth));
      };
}

}  // namespace aurite::mcp
