// Tests of the entry page's OpenID Connect sign-in (host/entry_sign_in.h)
// against a loopback issuer stand-in whose token endpoint checks the PKCE
// verifier and answers with ID tokens signed by keys made here.
#include "host/entry_sign_in.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "base/text.h"
#include "crypto/base64url.h"
#include "security/digests.h"
#include "security/jose_test_support.h"
#include "support/issuer_standin.h"

namespace aurite::host {
namespace {

using security::testing::RsaKey;
using security::testing::SignCjose;

constexpr const char* kOrigin = "http://127.0.0.1:8765";

// The decoded parameters of a URL's query or of a form body.
std::map<std::string, std::string> Params(std::string_view text) {
  std::map<std::string, std::string> out;
  if (auto q = text.find('?'); q != std::string_view::npos) text.remove_prefix(q + 1);
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    const auto eq = pair.find('=');
    std::string value;
    PercentDecodeTo(pair.substr(eq + 1), BadEscape::kKeep,
                    [&value](std::string_view piece) { value += piece; });
    out[std::string(pair.substr(0, eq))] = value;
  }
  return out;
}

// gateway.auth for the stand-in, with a public entry-page client.
GatewayAuthConfig AuthOf(const testing::IssuerStandin& issuer) {
  GatewayAuthConfig auth;
  auth.issuer = issuer.origin() + "/realms/test";
  auth.entry_page = GatewayEntryPageClient{"entry-page", nullptr};
  return auth;
}

struct SignInFixture {
  SignInFixture() {
    EXPECT_TRUE(issuer.started());
    issuer.Serve("/.well-known/oauth-authorization-server/realms/test",
                 nlohmann::json{{"issuer", auth.issuer},
                                {"jwks_uri", issuer.origin() + "/certs"},
                                {"authorization_endpoint", issuer.origin() + "/authorize"},
                                {"token_endpoint", issuer.origin() + "/token"}}
                     .dump());
    issuer.Serve("/certs", nlohmann::json{{"keys", {key.public_jwk}}}.dump());
    // The token endpoint: the code must come with the verifier whose S256
    // is the challenge the authorization request carried.
    issuer.Respond("/token", [this](mcp::PageRequest& request) {
      auto form = Params(request.body.Reveal());
      mcp::PageResponse answer;
      answer.content_type = "application/json";
      const std::string challenge = crypto::Base64UrlEncode(security::Sha256(form["code_verifier"]),
                                                            crypto::Padding::kUnpadded);
      if (form["grant_type"] != "authorization_code" || form["code"] != "good-code" ||
          form["client_id"] != "entry-page" || challenge != asked["code_challenge"] ||
          form["redirect_uri"] != std::string(kOrigin) + "/connect/callback") {
        answer.status = 400;
        answer.body = R"({"error":"invalid_grant"})";
        return answer;
      }
      answer.body =
          nlohmann::json{{"access_token", "opaque"}, {"id_token", Sign(id_claims)}}.dump();
      return answer;
    });
  }
  // Begins a sign-in for entry "entry-1"; remembers what it asked.
  std::string Begin() {
    auto url = sign_in.Begin("entry-1", kOrigin);
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    asked = Params(*url);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    id_claims = {{"iss", auth.issuer},      {"aud", "entry-page"}, {"sub", "alice"},
                 {"nonce", asked["nonce"]}, {"exp", now + 300},    {"iat", now}};
    return *url;
  }
  std::string Sign(const nlohmann::json& claims) const {
    return SignCjose(key.key.get(), "RS256", "k1", claims);
  }
  StatusOr<EntrySignIn::SignedIn> Finish(const std::string& code = "good-code") {
    return sign_in.Finish("code=" + code + "&state=" + asked["state"], kOrigin);
  }

  testing::IssuerStandin issuer;
  security::testing::CjoseKey key = RsaKey("k1");
  GatewayAuthConfig auth = AuthOf(issuer);
  EntrySignIn sign_in{auth, JwksFetcher(auth)};
  std::map<std::string, std::string> asked;
  nlohmann::json id_claims;
};

TEST(EntrySignIn, TheSameSubjectComesBackThroughPkceAndAVerifiedIdToken) {
  SignInFixture f;
  const std::string url = f.Begin();
  EXPECT_EQ(url.rfind(f.issuer.origin() + "/authorize?", 0), 0u) << url;
  EXPECT_EQ(f.asked["response_type"], "code");
  EXPECT_EQ(f.asked["client_id"], "entry-page");
  EXPECT_EQ(f.asked["scope"], "openid");
  EXPECT_EQ(f.asked["code_challenge_method"], "S256");
  EXPECT_EQ(f.asked["redirect_uri"], std::string(kOrigin) + "/connect/callback");
  EXPECT_EQ(f.asked["state"].size(), 32u);
  EXPECT_EQ(url.find("entry-1"), std::string::npos) << "the entry id stays on the gateway";
  auto signed_in = f.Finish();
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  EXPECT_EQ(signed_in->entry_id, "entry-1");
  EXPECT_EQ(signed_in->subject, "oauth:" + f.auth.issuer + " alice");
  // A state serves once.
  EXPECT_EQ(f.Finish().status().code(), StatusCode::kPermissionDenied);
}

TEST(EntrySignIn, EveryBadCallbackOrIdTokenIsRefused) {
  SignInFixture f;
  f.Begin();
  EXPECT_EQ(f.sign_in.Finish("code=good-code&state=" + f.asked["state"], "http://evil.example")
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(f.Finish().status().code(), StatusCode::kPermissionDenied)
      << "a state tried from another origin is used up";
  f.Begin();
  auto denied = f.sign_in.Finish("error=access_denied&state=" + f.asked["state"], kOrigin);
  EXPECT_NE(denied.status().message().find("access_denied"), std::string::npos);
  f.Begin();
  EXPECT_EQ(f.Finish("stolen-code").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(f.sign_in.Finish("code=good-code&state=made-up", kOrigin).status().code(),
            StatusCode::kPermissionDenied);

  const std::map<std::string, std::function<void(nlohmann::json&)>> bad = {
      {"another nonce", [](nlohmann::json& c) { c["nonce"] = "replayed"; }},
      {"another audience", [](nlohmann::json& c) { c["aud"] = "someone-else"; }},
      {"another issuer", [](nlohmann::json& c) { c["iss"] = "http://127.0.0.1:1/other"; }},
      {"expired", [](nlohmann::json& c) { c["exp"] = c["iat"].get<long>() - 600; }},
      {"no subject", [](nlohmann::json& c) { c.erase("sub"); }},
  };
  for (const auto& [why, spoil] : bad) {
    f.Begin();
    spoil(f.id_claims);
    auto refused = f.Finish();
    EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated) << why;
  }
}

}  // namespace
}  // namespace aurite::host
