// End to end: `aurite serve` over HTTP with gateway.auth whose issuer is a
// loopback stand-in serving discovery and keys this test makes. A valid
// access token works; every bad one is refused with 401 and the challenge
// that points to the metadata document; no token text reaches the log,
// the audit file or a backend's environment or arguments.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "gateway_process.h"
#include "security/jose_test_support.h"
#include "support/issuer_standin.h"
#include "support/raw_http.h"

namespace aurite::e2e {
namespace {

using rawhttp::Exchange;
using rawhttp::HttpHeader;
using rawhttp::HttpStatus;
using rawhttp::McpPost;
using security::testing::B64;
using security::testing::SignCjose;

constexpr const char* kStaticToken = "static-canary-7f3a9c2e51d8";

// Every process whose parent is `pid`: their environment and arguments.
std::string ChildrenEnvironAndArgv(pid_t pid) {
  std::string all;
  for (pid_t child : ChildrenOf(pid)) {
    all += ProcFile(child, "environ") + ProcFile(child, "cmdline");
  }
  return all;
}

class GatewayAuthE2e : public GatewayTestBase {
 protected:
  void SetUp() override {
    GatewayTestBase::SetUp();
    ASSERT_TRUE(issuer_.started());
    issuer_url_ = issuer_.origin() + "/realms/e2e";
    issuer_.Serve(
        "/realms/e2e/.well-known/openid-configuration",
        mcp::Json{{"issuer", issuer_url_}, {"jwks_uri", issuer_.origin() + "/keys"}}.dump());
    issuer_.Serve("/keys", mcp::Json{{"keys", {key_pair_.public_jwk}}}.dump());
    mcp::Json config = HttpConfig(dir_);
    config["gateway"]["auth"] = {{"issuer", issuer_url_}, {"audience", kAudience}};
    config["gateway"]["bearer_tokens"] = {
        {{"name", "ci"}, {"token", kStaticToken}, {"groups", {"analysts"}}}};
    // Analysts may do everything; anyone else only list connections.
    config["policies"] = mcp::Json::parse(R"([
        {"match": {"groups": ["analysts"]}, "allow": {"tools": ["*"], "connections": ["*"],
         "storage_types": ["*"], "access": "write"}},
        {"match": {"subject": ["*"]}, "allow": {"tools": ["list_connections"]}}])");
    gateway_ = HttpGateway::Start(dir_, config, key_);
  }

  mcp::Json Claims() const {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return {{"iss", issuer_url_},
            {"aud", kAudience},
            {"sub", "alice"},
            {"groups", {"analysts"}},
            {"exp", now + 300}};
  }
  std::string Sign(const mcp::Json& claims) const {
    return SignCjose(key_pair_.key.get(), "RS256", "e2e", claims);
  }
  std::string Post(const std::string& body, const std::string& token,
                   const std::string& session = "") {
    std::string headers = "Authorization: Bearer " + token + "\r\n";
    if (!session.empty()) headers += "Mcp-Session-Id: " + session + "\r\n";
    return Exchange(gateway_->port(), McpPost(body, headers));
  }

  static constexpr const char* kAudience = "http://127.0.0.1/mcp";
  testing::IssuerStandin issuer_;
  std::string issuer_url_;
  security::testing::CjoseKey key_pair_ = security::testing::RsaKey("e2e");
  std::unique_ptr<HttpGateway> gateway_;
};

TEST_F(GatewayAuthE2e, AValidTokenWorksAndBadOnesGet401WithTheChallenge) {
  const std::string good = Sign(Claims());
  const std::string initialized = Post(rawhttp::kInitializeBody, good);
  ASSERT_EQ(HttpStatus(initialized), 200) << initialized;
  const std::string session = HttpHeader(initialized, "Mcp-Session-Id");
  const std::string tools =
      Post(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", good, session);
  EXPECT_EQ(HttpStatus(tools), 200);
  EXPECT_NE(tools.find("query_storage"), std::string::npos) << tools;
  // The static token is another principal: Alice's session is unknown to it.
  EXPECT_EQ(
      HttpStatus(Post(R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})", kStaticToken, session)),
      404);
  EXPECT_EQ(HttpStatus(Post(rawhttp::kInitializeBody, kStaticToken)), 200);

  mcp::Json expired = Claims();
  expired["exp"] = expired["exp"].get<long>() - 3600;
  mcp::Json wrong_aud = Claims();
  wrong_aud["aud"] = "http://127.0.0.1/other";
  mcp::Json wrong_iss = Claims();
  wrong_iss["iss"] = issuer_.origin() + "/realms/other";
  std::string forged = good;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  const auto other = security::testing::RsaKey("e2e-other");
  const std::map<std::string, std::string> bad = {
      {"expired", Sign(expired)},
      {"wrong audience", Sign(wrong_aud)},
      {"wrong issuer", Sign(wrong_iss)},
      {"bad signature", forged},
      {"alg none", B64(R"({"alg":"none"})") + "." + B64(Claims().dump()) + "."},
      {"unknown kid", SignCjose(other.key.get(), "RS256", "e2e-other", Claims())},
      {"HS256 with the public key",
       security::testing::SignHs256WithPublicKey(key_pair_.public_jwk, "e2e", Claims())}};
  const std::string metadata =
      "resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource/mcp\"";
  for (const auto& [why, token] : bad) {
    const std::string answer = Post(rawhttp::kInitializeBody, token);
    EXPECT_EQ(HttpStatus(answer), 401) << why;
    const std::string challenge = HttpHeader(answer, "WWW-Authenticate");
    EXPECT_NE(challenge.find(metadata), std::string::npos) << why << ": " << challenge;
    EXPECT_NE(challenge.find(R"(error="invalid_token")"), std::string::npos) << why;
  }
  const std::string none = Exchange(gateway_->port(), McpPost(rawhttp::kInitializeBody));
  EXPECT_EQ(HttpStatus(none), 401);
  EXPECT_NE(HttpHeader(none, "WWW-Authenticate").find(metadata), std::string::npos);

  // The metadata document, without a token.
  const std::string document =
      Exchange(gateway_->port(),
               "GET /.well-known/oauth-protected-resource/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Connection: close\r\n\r\n");
  ASSERT_EQ(HttpStatus(document), 200);
  const mcp::Json doc = mcp::Json::parse(document.substr(document.find("\r\n\r\n") + 4));
  EXPECT_EQ(doc["resource"], kAudience);
  EXPECT_EQ(doc["authorization_servers"], mcp::Json::array({issuer_url_}));

  // No token text anywhere it could leak: the log, the audit file, the backends.
  const std::string children = ChildrenEnvironAndArgv(gateway_->pid());
  EXPECT_FALSE(children.empty());
  const std::string log = ReadFile(dir_ / "host.log");
  std::string audit;
  for (const std::filesystem::path& file : FilesUnder(dir_)) {
    if (file.filename().string().find("audit") != std::string::npos) audit += ReadFile(file);
  }
  // Eight refusals from one address: the first five are recorded one by
  // one, the rest only counted (a flood cannot fill the disk).
  std::size_t recorded = 0;
  for (auto at = audit.find("\"auth_failed\""); at != std::string::npos;
       at = audit.find("\"auth_failed\"", at + 1)) {
    ++recorded;
  }
  EXPECT_EQ(recorded, 5u) << audit;
  EXPECT_NE(log.find("refused HTTP request"), std::string::npos);
  // Eight refusals from 127.0.0.1 within a minute: one warning.
  EXPECT_NE(log.find("repeated authentication failures: 127.0.0.1 failed 5 times"),
            std::string::npos)
      << log;
  std::vector<std::string> tokens = {good, kStaticToken};
  for (const auto& [why, token] : bad) tokens.push_back(token);
  for (const std::string& token : tokens) {
    // A JWT's signature part alone is what no other text holds.
    const std::string tail = token.substr(token.rfind('.') + 1);
    const std::string& needle = tail.size() >= 16 ? tail : token;
    EXPECT_EQ(log.find(needle), std::string::npos);
    EXPECT_EQ(audit.find(needle), std::string::npos);
    EXPECT_EQ(children.find(needle), std::string::npos);
  }
  // At shutdown the three failures only counted get their summary record.
  gateway_.reset();
  EXPECT_NE(ReadFile(dir_ / "audit.jsonl")
                .find("3 more authentication failures of 127.0.0.1, recorded together"),
            std::string::npos);
}

// A session keeps its principal but takes each request's claims: when
// alice's newer token no longer has the group, her open session loses the
// tools at once, and gets them back with a token that has it again.
TEST_F(GatewayAuthE2e, ASessionFollowsTheClaimsOfItsLatestToken) {
  const std::string analyst = Sign(Claims());
  const std::string initialized = Post(rawhttp::kInitializeBody, analyst);
  ASSERT_EQ(HttpStatus(initialized), 200) << initialized;
  const std::string session = HttpHeader(initialized, "Mcp-Session-Id");
  const std::string list = R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})";
  const std::string call =
      R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"secure_database_connection",)"
      R"("arguments":{"connection_string":"sqlite:///tmp/refresh.db"}}})";
  EXPECT_NE(Post(list, analyst, session).find("secure_database_connection"), std::string::npos);

  mcp::Json demoted = Claims();
  demoted["groups"] = mcp::Json::array();
  demoted["jti"] = "newer";  // a different token of the same subject
  const std::string newer = Sign(demoted);
  const std::string narrowed = Post(list, newer, session);
  ASSERT_EQ(HttpStatus(narrowed), 200) << narrowed;
  EXPECT_NE(narrowed.find("list_connections"), std::string::npos) << narrowed;
  EXPECT_EQ(narrowed.find("secure_database_connection"), std::string::npos) << narrowed;
  const std::string refused = Post(call, newer, session);
  EXPECT_NE(refused.find("is not allowed for 'alice'"), std::string::npos) << refused;
  EXPECT_EQ(refused.find("aurite_tk_"), std::string::npos) << refused;

  // Each request's own valid token decides, so the older one still works
  // until it expires: short token lifetimes bound how long a removal takes.
  EXPECT_NE(Post(list, analyst, session).find("secure_database_connection"), std::string::npos);
}

}  // namespace
}  // namespace aurite::e2e
