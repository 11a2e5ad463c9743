// The entry page's OpenID Connect sign-in (entry_sign_in.h).
#include "host/entry_sign_in.h"

#include <array>

#include "base/text.h"
#include "credentials/http_post.h"
#include "crypto/base64url.h"
#include "crypto/random.h"
#include "host/oauth_client_auth.h"
#include "security/digests.h"

namespace aurite::host {
namespace {

// A PKCE verifier: 32 random bytes, base64url (43 characters, RFC 7636).
std::string RandomVerifier() {
  std::array<unsigned char, 32> bytes{};
  crypto::FillRandom(bytes);
  return crypto::Base64UrlEncode(bytes, crypto::Padding::kUnpadded);
}

std::string S256(const std::string& verifier) {
  return crypto::Base64UrlEncode(security::Sha256(verifier), crypto::Padding::kUnpadded);
}

// The decoded value of `name` in a query string ('+' is a space); nullopt
// when absent or badly escaped.
std::optional<std::string> QueryValue(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string value;
    if (!FormDecodeTo(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                      [&value](std::string_view piece) { value += piece; })) {
      return std::nullopt;
    }
    return value;
  }
  return std::nullopt;
}

std::string Param(const char* name, std::string_view value) {
  return std::string(name) + "=" + PercentEncode(value);
}

}  // namespace

EntrySignIn::EntrySignIn(const GatewayAuthConfig& auth, security::IssuerKeys::FetchFn fetch_jwks,
                         IssuerFetchOptions options)
    : issuer_(auth.issuer),
      client_(auth.entry_page.value_or(GatewayEntryPageClient{})),
      max_skew_(auth.max_clock_skew),
      options_(std::move(options)),
      keys_(std::move(fetch_jwks), security::IssuerKeys::Options{}) {}

StatusOr<EntrySignIn::Endpoints> EntrySignIn::Discover() {
  {
    std::lock_guard lock(mu_);
    if (endpoints_) return *endpoints_;
  }
  AURITE_ASSIGN_OR_RETURN(IssuerMetadata metadata, DiscoverIssuerMetadata(issuer_, options_));
  Endpoints found;
  AURITE_ASSIGN_OR_RETURN(found.authorization, IssuerEndpoint(metadata, "authorization_endpoint"));
  AURITE_ASSIGN_OR_RETURN(found.token, IssuerEndpoint(metadata, "token_endpoint"));
  std::lock_guard lock(mu_);
  endpoints_ = found;
  return found;
}

StatusOr<std::string> EntrySignIn::Begin(const std::string& entry_id, const std::string& origin) {
  AURITE_ASSIGN_OR_RETURN(Endpoints endpoints, Discover());
  const std::string state = crypto::RandomHex(16);
  Pending pending{entry_id, origin, RandomVerifier(), crypto::RandomHex(16),
                  std::chrono::steady_clock::now() + kLifetime};
  const std::string url =
      endpoints.authorization +
      (endpoints.authorization.find('?') == std::string::npos ? "?" : "&") +
      Param("response_type", "code") + "&" + Param("client_id", client_.client_id) + "&" +
      Param("redirect_uri", origin + kCallbackPath) + "&" + Param("scope", "openid") + "&" +
      Param("state", state) + "&" + Param("nonce", pending.nonce) + "&" +
      Param("code_challenge", S256(pending.verifier)) + "&" +
      Param("code_challenge_method", "S256");
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(pending_, [now](const auto& item) { return item.second.expires <= now; });
  if (pending_.size() >= kMaxPending) {
    auto oldest = pending_.begin();
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->second.expires < oldest->second.expires) oldest = it;
    }
    pending_.erase(oldest);
  }
  pending_.emplace(state, std::move(pending));
  return url;
}

StatusOr<std::string> EntrySignIn::Exchange(const Endpoints& endpoints, std::string_view code,
                                            const Pending& pending) {
  AURITE_ASSIGN_OR_RETURN(credentials::HttpEndpoint endpoint,
                          credentials::ParseEndpointUrl(endpoints.token, "the token endpoint"));
  crypto::SecretBuffer body = crypto::SecretBuffer::CopyFrom("grant_type=authorization_code&code=");
  AppendFormEncoded(code, body);
  body.Append("&redirect_uri=");
  AppendFormEncoded(pending.origin + kCallbackPath, body);
  body.Append("&code_verifier=");
  AppendFormEncoded(pending.verifier, body);
  std::vector<crypto::HttpHeader> headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                             {"Accept", "application/json"}};
  crypto::SecretBuffer authorization;
  if (client_.client_secret != nullptr) {
    authorization = BasicClientCredentials(client_.client_id, *client_.client_secret);
    headers.push_back({"Authorization", authorization.Reveal()});
  } else {
    body.Append("&client_id=");
    AppendFormEncoded(client_.client_id, body);
  }
  auto answer = credentials::HttpPost(endpoint, headers, body.Reveal(), options_.http);
  if (!answer.ok()) {
    return UnavailableError("cannot reach the sign-in's token endpoint: " +
                            answer.status().message());
  }
  const auto reply = nlohmann::json::parse(answer->body.Reveal(), nullptr, false);
  if (answer->status != 200 || !reply.is_object()) {
    const std::string error = reply.is_object() ? reply.value("error", std::string()) : "";
    return UnauthenticatedError("the issuer refused the sign-in (HTTP " +
                                std::to_string(answer->status) +
                                (error.empty() ? "" : ", " + error) +
                                "); check gateway.auth.entry_page's client and its redirect URI " +
                                pending.origin + kCallbackPath);
  }
  const auto id_token = reply.find("id_token");
  if (id_token == reply.end() || !id_token->is_string()) {
    return UnauthenticatedError("the issuer's answer holds no ID token (is scope openid allowed?)");
  }
  return id_token->get<std::string>();
}

StatusOr<EntrySignIn::SignedIn> EntrySignIn::Finish(std::string_view query,
                                                    const std::string& origin) {
  const std::optional<std::string> state = QueryValue(query, "state");
  Pending pending;
  {
    std::lock_guard lock(mu_);
    auto it = state ? pending_.find(*state) : pending_.end();
    if (it != pending_.end()) {
      pending = std::move(it->second);
      pending_.erase(it);  // used up, whatever follows
    }
  }
  if (pending.entry_id.empty() || pending.origin != origin ||
      pending.expires <= std::chrono::steady_clock::now()) {
    return PermissionDeniedError(
        "this sign-in is unknown, used or expired; open the link from your client again");
  }
  if (auto error = QueryValue(query, "error")) {
    return PermissionDeniedError("the sign-in did not complete (" + *error +
                                 "); open the link from your client to try again");
  }
  const std::optional<std::string> code = QueryValue(query, "code");
  if (!code || code->empty()) return InvalidArgumentError("the sign-in answer holds no code");
  AURITE_ASSIGN_OR_RETURN(Endpoints endpoints, Discover());
  AURITE_ASSIGN_OR_RETURN(std::string id_token, Exchange(endpoints, *code, pending));
  const security::AccessTokenRules rules{issuer_, client_.client_id, max_skew_};
  auto claims = keys_.Verify(id_token, rules, std::chrono::system_clock::now());
  if (!claims.ok()) {
    return UnauthenticatedError("the issuer's ID token is not valid: " + claims.status().message());
  }
  if (claims->value("nonce", std::string()) != pending.nonce) {
    return UnauthenticatedError("the ID token is not the one this sign-in asked for (nonce)");
  }
  const std::string subject = claims->value("sub", std::string());
  if (subject.empty()) return UnauthenticatedError("the ID token names no subject");
  return SignedIn{pending.entry_id, "oauth:" + issuer_ + " " + subject};
}

}  // namespace aurite::host
