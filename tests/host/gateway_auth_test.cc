// Tests of the gateway's authentication: gateway.auth and bearer_tokens in
// aurite.json, issuer discovery against a loopback issuer serving real
// documents, and the authenticator with tokens signed by keys made here
// (valid, and every way a token must be refused).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "host/auth_failure_monitor.h"
#include "host/config.h"
#include "host/gateway_authenticator.h"
#include "host/oauth_discovery.h"
#include "mcp/transport/bearer_auth.h"
#include "security/jose_test_support.h"
#include "support/issuer_standin.h"

namespace aurite::host {
namespace {

using security::testing::B64;
using security::testing::RsaKey;
using security::testing::SignCjose;

StatusOr<Config> ParseGatewayJson(const std::string& gateway) {
  return ParseConfig(R"({"policies": [], "gateway": )" + gateway + "}", "aurite.json", "/tmp");
}

std::string ErrorOf(const std::string& gateway) {
  auto config = ParseGatewayJson(gateway);
  return config.ok() ? "" : config.status().message();
}

TEST(GatewayAuthConfig, ReadsEveryKeyAndBothTokenForms) {
  auto config = ParseGatewayJson(R"({"transport": "http", "auth": {
      "issuer": "https://idp.example.com/realms/acme", "audience": "https://db.example.com/mcp",
      "jwks_uri": "https://idp.example.com/certs", "required_scopes": ["db"],
      "scopes_supported": ["db", "admin"], "groups_claim": "realm_access.roles",
      "max_clock_skew": "30s", "entry_page": {"client_id": "entry", "client_secret": "entry-pw"}},
    "bearer_tokens": ["plain-token", {"name": "ci", "token": "ci-token", "groups": ["ops"]},
                      {"name": "bi", "sha256": ")" +
                                 mcp::TokenDigestHex("bi-token") + R"("}]})");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const GatewayConfig& gateway = config->gateway;
  ASSERT_TRUE(gateway.auth);
  EXPECT_EQ(gateway.auth->issuer, "https://idp.example.com/realms/acme");
  EXPECT_EQ(gateway.auth->audience, "https://db.example.com/mcp");
  EXPECT_EQ(gateway.auth->groups_claim, "realm_access.roles");
  EXPECT_EQ(gateway.auth->max_clock_skew, std::chrono::seconds(30));
  ASSERT_TRUE(gateway.auth->entry_page);
  EXPECT_EQ(gateway.auth->entry_page->client_id, "entry");
  ASSERT_NE(gateway.auth->entry_page->client_secret, nullptr);
  EXPECT_EQ(gateway.auth->entry_page->client_secret->Reveal(), "entry-pw");
  ASSERT_EQ(gateway.bearer_tokens.size(), 3u);
  EXPECT_EQ(gateway.bearer_tokens[0].name,
            "sha256:" + mcp::TokenDigestHex("plain-token").substr(0, 16));
  EXPECT_EQ(gateway.bearer_tokens[1].name, "ci");
  EXPECT_EQ(gateway.bearer_tokens[1].sha256_hex, mcp::TokenDigestHex("ci-token"));
  EXPECT_EQ(gateway.bearer_tokens[1].groups, std::vector<std::string>{"ops"});
  EXPECT_EQ(gateway.bearer_tokens[2].sha256_hex, mcp::TokenDigestHex("bi-token"));
}

// With auth on, a principal may do only what a policy allows: no policies
// at all would refuse every call, so the gateway does not start.
TEST(GatewayAuthConfig, AuthWithoutPoliciesIsRefusedAtStart) {
  auto config = ParseConfig(
      R"({"gateway": {"transport": "http", "auth": {"issuer": "https://idp.example.com"}}})",
      "aurite.json", "/tmp");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("gateway.auth is set but aurite.json has no 'policies'"),
            std::string::npos)
      << config.status().message();
}

TEST(GatewayAuthConfig, ErrorsNameTheKeyAndTheFix) {
  EXPECT_NE(ErrorOf(R"({"auth": {}})").find("gateway.auth: expected an \"issuer\""),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"auth": {"issuer": "http://idp.example.com"}})")
                .find("gateway.auth.issuer: expected an https:// URL"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(R"({"auth": {"issuer": "http://127.0.0.1:9/realms/t"}})"), "");  // loopback
  EXPECT_NE(
      ErrorOf(R"({"auth": {"issuer": "https://i.example", "jwks_uri": "http://i.example/k"}})")
          .find("gateway.auth.jwks_uri"),
      std::string::npos);
  EXPECT_NE(ErrorOf(R"({"auth": {"issuer": "https://i.example", "max_clock_skew": "2m"}})")
                .find("gateway.auth.max_clock_skew: expected at most 60 seconds"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"auth": {"issuer": "https://i.example", "groups_claim": "a..b"}})")
                .find("gateway.auth.groups_claim"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(R"({"auth": {"issuer": "https://i.example", "scope": "x"}})").find("gateway.auth"),
      std::string::npos);
  EXPECT_NE(ErrorOf(R"({"auth": {"issuer": "https://i.example",
                                 "introspection": {"endpoint": "https://i.example/x"}}})")
                .find("gateway.auth.introspection: expected \"endpoint\", \"client_id\""),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"auth": {"issuer": "https://i.example", "introspection": {
                 "endpoint": "http://i.example/x", "client_id": "a", "client_secret": "b"}}})")
                .find("gateway.auth.introspection.endpoint: expected an https:// URL"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"auth": {"issuer": "https://i.example", "entry_page": {}}})")
                .find("gateway.auth.entry_page: expected a \"client_id\""),
            std::string::npos);
  const std::string both =
      ErrorOf(R"({"bearer_tokens": [{"name": "a", "token": "secret-value", "sha256": "ab"}]})");
  EXPECT_NE(both.find("gateway.bearer_tokens[0]: expected either \"token\""), std::string::npos);
  EXPECT_EQ(both.find("secret-value"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"bearer_tokens": [{"sha256": "ABC"}]})")
                .find("gateway.bearer_tokens[0].sha256: expected 64 lower-case hex digits"),
            std::string::npos);
}

TEST(GatewayAuthConfig, TheDefaultAudienceIsTheGatewaysUrl) {
  GatewayConfig gateway;
  gateway.auth.emplace();
  gateway.port = 8443;
  gateway.tls_cert_file = "cert.pem";
  EXPECT_EQ(*GatewayResourceUrl(gateway), "https://127.0.0.1:8443/mcp");
  gateway.port = 0;
  EXPECT_NE(GatewayResourceUrl(gateway).status().message().find("set audience"), std::string::npos);
}

// An issuer on loopback with one RSA key, and the gateway's settings for it.
struct IssuerFixture {
  IssuerFixture() {
    EXPECT_TRUE(issuer.started());
    auth.issuer = issuer.origin() + "/realms/test";
    auth.audience = "http://127.0.0.1:7/mcp";
    auth.required_scopes = {"db"};
    auth.groups_claim = "realm_access.roles";
    issuer.Serve("/.well-known/oauth-authorization-server/realms/test",
                 nlohmann::json{{"issuer", auth.issuer},
                                {"jwks_uri", issuer.origin() + "/realms/test/certs"}}
                     .dump());
    issuer.Serve("/realms/test/certs", nlohmann::json{{"keys", {key.public_jwk}}}.dump());
  }
  nlohmann::json Claims() const {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return {{"iss", auth.issuer},
            {"aud", auth.audience},
            {"sub", "alice"},
            {"exp", now + 300},
            {"scope", "db other"},
            {"azp", "claude"},
            {"email", "alice@example.com"},
            {"realm_access", {{"roles", {"analysts"}}}}};
  }
  std::string Sign(const nlohmann::json& claims) const {
    return SignCjose(key.key.get(), "RS256", "k1", claims);
  }
  std::unique_ptr<GatewayAuthenticator> Authenticator(std::vector<GatewayBearerToken> tokens = {}) {
    GatewayConfig gateway;
    gateway.auth = auth;
    gateway.bearer_tokens = std::move(tokens);
    auto made = GatewayAuthenticator::Create(
        gateway, JwksFetcher(auth),
        [this](const GatewayAuthenticator::Failure& f) { failures.emplace_back(f.reason); });
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return std::move(made).value();
  }

  testing::IssuerStandin issuer;
  security::testing::CjoseKey key = RsaKey("k1");
  GatewayAuthConfig auth;
  std::vector<std::string> failures;
};

TEST(OAuthDiscovery, FindsTheJwksAndRefusesDocumentsItMustNotTrust) {
  IssuerFixture f;
  EXPECT_EQ(*DiscoverJwksUri(f.auth.issuer), f.issuer.origin() + "/realms/test/certs");
  // OpenID Connect's location when RFC 8414's has nothing.
  const std::string oidc_issuer = f.issuer.origin() + "/oidc";
  f.issuer.Serve(
      "/oidc/.well-known/openid-configuration",
      nlohmann::json{{"issuer", oidc_issuer}, {"jwks_uri", "https://idp.example/k"}}.dump());
  EXPECT_EQ(*DiscoverJwksUri(oidc_issuer), "https://idp.example/k");
  // Another issuer's document (a mix-up).
  const std::string mixed = f.issuer.origin() + "/mixed";
  f.issuer.Serve(
      "/.well-known/oauth-authorization-server/mixed",
      nlohmann::json{{"issuer", "https://evil.example"}, {"jwks_uri", "https://e/k"}}.dump());
  EXPECT_NE(DiscoverJwksUri(mixed).status().message().find("names another issuer"),
            std::string::npos);
  // Keys over plain http from another host.
  const std::string plain = f.issuer.origin() + "/plain";
  f.issuer.Serve("/.well-known/oauth-authorization-server/plain",
                 nlohmann::json{{"issuer", plain}, {"jwks_uri", "http://idp.example/k"}}.dump());
  EXPECT_NE(DiscoverJwksUri(plain).status().message().find("https://"), std::string::npos);
  // A document larger than the bound.
  const std::string huge = f.issuer.origin() + "/huge";
  f.issuer.Serve(
      "/.well-known/oauth-authorization-server/huge",
      nlohmann::json{{"issuer", huge}, {"padding", std::string(300 * 1024, 'x')}}.dump());
  EXPECT_EQ(DiscoverJwksUri(huge).status().code(), StatusCode::kResourceExhausted);
  // No document at all.
  EXPECT_FALSE(DiscoverJwksUri(f.issuer.origin() + "/none").ok());
}

TEST(GatewayAuthenticator, AValidTokenIsItsPrincipal) {
  IssuerFixture f;
  auto authenticator = f.Authenticator();
  auto outcome = authenticator->Authenticate(f.Sign(f.Claims()), "127.0.0.1");
  auto* auth = std::get_if<std::shared_ptr<const mcp::AuthInfo>>(&outcome);
  ASSERT_NE(auth, nullptr) << std::get<mcp::AuthRefusal>(outcome).www_authenticate;
  EXPECT_EQ((*auth)->kind, mcp::AuthInfo::Kind::kOAuth);
  EXPECT_EQ((*auth)->principal, "alice");
  EXPECT_EQ((*auth)->client_id, "claude");
  EXPECT_EQ((*auth)->email, "alice@example.com");
  EXPECT_EQ((*auth)->groups, std::vector<std::string>{"analysts"});
  EXPECT_EQ((*auth)->scopes, (std::vector<std::string>{"db", "other"}));
  EXPECT_EQ(mcp::PrincipalKey(**auth), "oauth:" + f.auth.issuer + " alice");
  ASSERT_TRUE(authenticator->resource());
  EXPECT_EQ(authenticator->resource()->resource, f.auth.audience);
}

TEST(GatewayAuthenticator, RefusesEveryBadTokenWithTheChallenge) {
  IssuerFixture f;
  auto authenticator = f.Authenticator();
  const auto refusal = [&](const std::string& token) {
    auto outcome = authenticator->Authenticate(token, "127.0.0.9");
    auto* refused = std::get_if<mcp::AuthRefusal>(&outcome);
    return refused != nullptr ? *refused : mcp::AuthRefusal{0, "accepted", ""};
  };
  nlohmann::json expired = f.Claims();
  expired["exp"] = expired["exp"].get<long>() - 3600;
  nlohmann::json wrong_aud = f.Claims();
  wrong_aud["aud"] = "https://other.example/mcp";
  nlohmann::json wrong_iss = f.Claims();
  wrong_iss["iss"] = f.issuer.origin() + "/realms/other";
  std::string bad_signature = f.Sign(f.Claims());
  bad_signature[bad_signature.size() - 5] =
      bad_signature[bad_signature.size() - 5] == 'A' ? 'B' : 'A';
  const std::string alg_none = B64(R"({"alg":"none"})") + "." + B64(f.Claims().dump()) + ".";
  const auto other_key = RsaKey("k2");
  const std::map<std::string, std::string> bad = {
      {"expired", f.Sign(expired)},
      {"wrong audience", f.Sign(wrong_aud)},
      {"wrong issuer", f.Sign(wrong_iss)},
      {"bad signature", bad_signature},
      {"alg none", alg_none},
      {"unknown kid", SignCjose(other_key.key.get(), "RS256", "k2", f.Claims())},
      {"HS256 with the public key",
       security::testing::SignHs256WithPublicKey(f.key.public_jwk, "k1", f.Claims())},
      {"not a JWT", "opaque-token"}};
  for (const auto& [why, token] : bad) {
    const mcp::AuthRefusal refused = refusal(token);
    EXPECT_EQ(refused.status, 401) << why;
    EXPECT_NE(refused.www_authenticate.find(R"(error="invalid_token")"), std::string::npos) << why;
    EXPECT_NE(
        refused.www_authenticate.find(
            "resource_metadata=\"http://127.0.0.1:7/.well-known/oauth-protected-resource/mcp\""),
        std::string::npos)
        << why;
    EXPECT_EQ(refused.www_authenticate.find(token), std::string::npos) << why;
  }
  const mcp::AuthRefusal none = refusal("");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.www_authenticate.find("error="), std::string::npos);
  nlohmann::json narrow = f.Claims();
  narrow["scope"] = "other";
  const mcp::AuthRefusal scope = refusal(f.Sign(narrow));
  EXPECT_EQ(scope.status, 403);
  EXPECT_NE(scope.www_authenticate.find(R"(error="insufficient_scope", scope="db")"),
            std::string::npos);
  EXPECT_EQ(f.failures.size(), bad.size() + 2);
  for (const std::string& reason : f.failures) {
    for (const auto& [why, token] : bad) {
      if (token.size() > 8) {
        EXPECT_EQ(reason.find(token), std::string::npos) << why;
      }
    }
  }
}

TEST(GatewayAuthenticator, StaticTokensAreNamedPrincipalsBesideOAuth) {
  IssuerFixture f;
  GatewayBearerToken ci{"ci", mcp::TokenDigestHex("ci-token"), {"ops"}};
  auto authenticator = f.Authenticator({ci});
  auto outcome = authenticator->Authenticate("ci-token", "127.0.0.1");
  auto* auth = std::get_if<std::shared_ptr<const mcp::AuthInfo>>(&outcome);
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(mcp::PrincipalKey(**auth), "bearer:ci");
  EXPECT_EQ((*auth)->groups, std::vector<std::string>{"ops"});
  // JWTs still work beside it.
  EXPECT_TRUE(std::holds_alternative<std::shared_ptr<const mcp::AuthInfo>>(
      authenticator->Authenticate(f.Sign(f.Claims()), "127.0.0.1")));
}

TEST(GatewayAuthenticator, ARememberedTokenStillExpiresOnTime) {
  IssuerFixture f;
  f.auth.max_clock_skew = std::chrono::seconds(0);
  auto authenticator = f.Authenticator();
  nlohmann::json claims = f.Claims();
  // Whole seconds truncate: "now + 1" can be a tenth of a second away, less
  // than a loaded machine needs for the first check. Three leave two at least.
  const auto expiry =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
      std::chrono::seconds(3);
  claims["exp"] = expiry.time_since_epoch().count();
  const std::string token = f.Sign(claims);
  for (int i = 0; i < 2; ++i) {  // the second time from memory
    EXPECT_TRUE(std::holds_alternative<std::shared_ptr<const mcp::AuthInfo>>(
        authenticator->Authenticate(token, "127.0.0.1")));
  }
  std::this_thread::sleep_until(expiry + std::chrono::milliseconds(100));
  auto outcome = authenticator->Authenticate(token, "127.0.0.1");
  ASSERT_TRUE(std::holds_alternative<mcp::AuthRefusal>(outcome));
  EXPECT_EQ(std::get<mcp::AuthRefusal>(outcome).status, 401);
}

TEST(GatewayAuthenticator, OpaqueTokensAreIntrospected) {
  IssuerFixture f;
  f.auth.introspection = GatewayIntrospection{
      f.issuer.origin() + "/introspect", "aurite",
      std::make_shared<const crypto::SecretBuffer>(crypto::SecretBuffer::CopyFrom("s3cret"))};
  std::string last_body;
  f.issuer.Respond("/introspect", [&](mcp::PageRequest& request) {
    last_body = std::string(request.body.Reveal());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    nlohmann::json answer = {{"active", false}};
    if (last_body.find("token=opaque-good") == 0) {
      answer = {{"active", true},  {"sub", "bob"},  {"aud", {f.auth.audience}},
                {"exp", now + 60}, {"scope", "db"}, {"client_id", "cli"}};
    } else if (last_body.find("token=opaque-other-aud") == 0) {
      answer = {{"active", true}, {"sub", "bob"}, {"aud", "https://else/mcp"}, {"exp", now + 60}};
    } else if (last_body.find("token=opaque-expired") == 0) {
      answer = {{"active", true}, {"sub", "bob"}, {"aud", f.auth.audience}, {"exp", now - 120}};
    }
    mcp::PageResponse response;
    response.content_type = "application/json";
    response.body = answer.dump();
    return response;
  });
  auto authenticator = f.Authenticator();
  auto outcome = authenticator->Authenticate("opaque-good+/=", "127.0.0.1");
  auto* auth = std::get_if<std::shared_ptr<const mcp::AuthInfo>>(&outcome);
  ASSERT_NE(auth, nullptr) << std::get<mcp::AuthRefusal>(outcome).www_authenticate;
  EXPECT_EQ(mcp::PrincipalKey(**auth), "oauth:" + f.auth.issuer + " bob");
  EXPECT_EQ((*auth)->client_id, "cli");
  EXPECT_EQ(last_body, "token=opaque-good%2B%2F%3D&token_type_hint=access_token");  // form-encoded
  for (const char* token : {"opaque-inactive", "opaque-other-aud", "opaque-expired"}) {
    auto refused = authenticator->Authenticate(token, "127.0.0.1");
    ASSERT_TRUE(std::holds_alternative<mcp::AuthRefusal>(refused)) << token;
    EXPECT_EQ(std::get<mcp::AuthRefusal>(refused).status, 401) << token;
  }
  // JWTs still go to the keys, not the endpoint.
  last_body.clear();
  EXPECT_TRUE(std::holds_alternative<std::shared_ptr<const mcp::AuthInfo>>(
      authenticator->Authenticate(f.Sign(f.Claims()), "127.0.0.1")));
  EXPECT_EQ(last_body, "");
}

TEST(GatewayAuthenticator, NoReachableIssuerFailsClosed) {
  IssuerFixture f;
  f.auth.issuer = "http://127.0.0.1:1/realms/gone";  // nothing listens on port 1
  auto authenticator = f.Authenticator();
  nlohmann::json claims = f.Claims();
  claims["iss"] = f.auth.issuer;
  auto outcome = authenticator->Authenticate(f.Sign(claims), "127.0.0.1");
  ASSERT_TRUE(std::holds_alternative<mcp::AuthRefusal>(outcome));
  EXPECT_EQ(std::get<mcp::AuthRefusal>(outcome).status, 503);
}

TEST(AuthFailureMonitor, WarnsOnceWhenOneSourceFailsRepeatedly) {
  AuthFailureMonitor monitor(5, std::chrono::minutes(1), 2);
  const auto t0 = AuthFailureMonitor::Clock::now();
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(monitor.Record("10.0.0.1", t0).warn);
  EXPECT_TRUE(monitor.Record("10.0.0.1", t0 + std::chrono::seconds(1)).warn);
  EXPECT_FALSE(monitor.Record("10.0.0.1", t0 + std::chrono::seconds(2)).warn);  // once a minute
  // Failures spread over more than a minute do not add up.
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(monitor.Record("10.0.0.2", t0 + std::chrono::seconds(15 * i)).warn);
  }
  // A third key makes the monitor forget the oldest (bounded memory).
  EXPECT_FALSE(monitor.Record("10.0.0.3", t0).warn);
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(monitor.Record("10.0.0.1", t0 + std::chrono::hours(1)).warn);
  }
}

// A flood: its first failures are recorded, the rest counted, and each
// later warning carries the count, so nothing goes unaccounted.
TEST(AuthFailureMonitor, AFloodIsRecordedAsItsFirstFailuresAndThenCounts) {
  AuthFailureMonitor monitor;
  const auto t0 = AuthFailureMonitor::Clock::now();
  int recorded = 0;
  for (int i = 0; i < 1000; ++i) {
    recorded += monitor.Record("10.0.0.9", t0 + std::chrono::milliseconds(50 * i)).record;
  }
  EXPECT_EQ(recorded, 5);
  const auto later = monitor.Record("10.0.0.9", t0 + std::chrono::seconds(61));
  EXPECT_TRUE(later.warn);
  EXPECT_TRUE(later.record);
  EXPECT_EQ(later.suppressed, 995u);
  EXPECT_FALSE(monitor.Record("10.0.0.9", t0 + std::chrono::seconds(62)).record);
  const auto taken = monitor.TakeSuppressed();
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0], std::make_pair(std::string("10.0.0.9"), std::size_t{1}));
  EXPECT_TRUE(monitor.TakeSuppressed().empty());
}

}  // namespace
}  // namespace aurite::host
