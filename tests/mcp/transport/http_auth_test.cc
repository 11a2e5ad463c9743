// Tests of the HTTP server's authenticator hook (http_auth.h): refusals
// and their challenges, the RFC 9728 metadata document, sessions bound to
// the principal that initialized them, and the principal every session
// (stateful or stateless) carries. The authenticator here is a table of
// tokens; the real one (JWTs, static tokens) is tested in tests/host.
#include "mcp/transport/http_auth.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>

#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/bearer_auth.h"
#include "mcp/transport/http_server.h"
#include "mcp/transport/stdio_server.h"
#include "support/raw_http.h"

namespace aurite::mcp {
namespace {

using rawhttp::Exchange;
using rawhttp::HttpHeader;
using rawhttp::HttpStatus;
using rawhttp::kInitializeBody;
using rawhttp::McpPost;

std::shared_ptr<const AuthInfo> OAuthPrincipal(const std::string& sub) {
  auto auth = std::make_shared<AuthInfo>();
  auth->kind = AuthInfo::Kind::kOAuth;
  auth->principal = sub;
  auth->claims = {{"iss", "https://idp.example"}, {"sub", sub}};
  return auth;
}

// A server with one tool that reports who called it, behind an
// authenticator that knows the tokens of `principals`.
struct AuthFixture {
  AuthFixture() {
    auto made =
        MakeProtectedResource("http://127.0.0.1:1/mcp", {"https://idp.example"}, {"db.read"});
    EXPECT_TRUE(made.ok());
    resource = *made;
    Tool whoami;
    whoami.name = "whoami";
    server.AddTool(whoami, [](const Json&, CallContext& ctx) -> RpcResult {
      const auto& auth = ctx.session.owner().auth;
      return ToolTextResult(auth ? PrincipalKey(*auth) + "|" + ctx.session.task_scope() : "nobody");
    });
    HttpServerOptions options;
    options.protected_resource = resource;
    options.authenticate = [this](std::string_view token, std::string_view) -> AuthOutcome {
      std::lock_guard lock(mu);
      if (token.empty())
        return AuthRefusal{401, "no token", UnauthorizedChallenge(resource, "", false)};
      if (token == "narrow") {
        return AuthRefusal{403, "needs db.read", InsufficientScopeChallenge(resource, "db.read")};
      }
      auto it = principals.find(std::string(token));
      if (it == principals.end()) {
        return AuthRefusal{401, "token refused",
                           UnauthorizedChallenge(resource, "", true, "token refused")};
      }
      return it->second;
    };
    http = std::make_unique<HttpServer>(server, options);
    EXPECT_TRUE(http->Start().ok());
  }

  std::string Post(const std::string& body, const std::string& token,
                   const std::string& session = "", const std::string& extra = "") {
    std::string headers = extra;
    if (!token.empty()) headers += "Authorization: Bearer " + token + "\r\n";
    if (!session.empty()) headers += "Mcp-Session-Id: " + session + "\r\n";
    return Exchange(http->port(), McpPost(body, headers));
  }
  std::string Call(const std::string& token, const std::string& session) {
    return Post(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami"}})",
                token, session);
  }

  ProtectedResource resource;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const AuthInfo>> principals = {
      {"alice-token", OAuthPrincipal("alice")},
      {"alice-token-2", OAuthPrincipal("alice")},
      {"bob-token", OAuthPrincipal("bob")}};
  McpServer server;
  std::unique_ptr<HttpServer> http;
};

TEST(HttpAuth, RefusalsCarryTheirChallenges) {
  AuthFixture f;
  const std::string none = f.Post(kInitializeBody, "");
  EXPECT_EQ(HttpStatus(none), 401);
  EXPECT_EQ(
      HttpHeader(none, "WWW-Authenticate"),
      R"(Bearer resource_metadata="http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp")");
  const std::string bad = f.Post(kInitializeBody, "forged");
  EXPECT_EQ(HttpStatus(bad), 401);
  EXPECT_NE(HttpHeader(bad, "WWW-Authenticate").find(R"(error="invalid_token")"),
            std::string::npos);
  EXPECT_EQ(bad.find("forged"), std::string::npos);  // never echoed
  const std::string narrow = f.Post(kInitializeBody, "narrow");
  EXPECT_EQ(HttpStatus(narrow), 403);
  EXPECT_NE(
      HttpHeader(narrow, "WWW-Authenticate").find(R"(error="insufficient_scope", scope="db.read")"),
      std::string::npos);
  // Not "Bearer <token>": no token at all.
  EXPECT_EQ(
      HttpStatus(f.Post(kInitializeBody, "", "", "Authorization: Basic YWxpY2UtdG9rZW4=\r\n")),
      401);
}

TEST(HttpAuth, MetadataIsServedWithoutAuthAtBothPaths) {
  AuthFixture f;
  for (const char* path :
       {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
    const std::string answer =
        Exchange(f.http->port(), std::string("GET ") + path +
                                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(HttpStatus(answer), 200) << path;
    const Json doc = Json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
    EXPECT_EQ(doc["resource"], "http://127.0.0.1:1/mcp");
    EXPECT_EQ(doc["authorization_servers"], Json::array({"https://idp.example"}));
    EXPECT_EQ(doc["scopes_supported"], Json::array({"db.read"}));
  }
  // The Host rule still holds for it (DNS rebinding).
  EXPECT_EQ(HttpStatus(Exchange(f.http->port(),
                                "GET /.well-known/oauth-protected-resource HTTP/1.1\r\n"
                                "Host: evil.example\r\nConnection: close\r\n\r\n")),
            403);
}

TEST(HttpAuth, SessionsCarryAndAreBoundToTheirPrincipal) {
  AuthFixture f;
  const std::string session = HttpHeader(f.Post(kInitializeBody, "alice-token"), "Mcp-Session-Id");
  ASSERT_FALSE(session.empty());
  const std::string mine = f.Call("alice-token", session);
  EXPECT_NE(mine.find("oauth:https://idp.example alice"), std::string::npos) << mine;
  // Another token of the same principal (a refreshed one) is the same principal.
  EXPECT_EQ(HttpStatus(f.Call("alice-token-2", session)), 200);
  // Bob's valid token names another principal: the session is unknown to him,
  // for POST, GET and DELETE alike, and stays Alice's.
  EXPECT_EQ(HttpStatus(f.Call("bob-token", session)), 404);
  EXPECT_EQ(HttpStatus(Exchange(f.http->port(),
                                "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                "Accept: text/event-stream\r\nAuthorization: Bearer bob-token\r\n"
                                "Mcp-Session-Id: " +
                                    session + "\r\n\r\n")),
            404);
  EXPECT_EQ(HttpStatus(Exchange(f.http->port(),
                                "DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                "Authorization: Bearer bob-token\r\nMcp-Session-Id: " +
                                    session + "\r\n\r\n")),
            404);
  EXPECT_EQ(HttpStatus(f.Call("alice-token", session)), 200);
}

TEST(HttpAuth, ATokenThatStopsBeingValidMidSessionGets401) {
  AuthFixture f;
  const std::string session = HttpHeader(f.Post(kInitializeBody, "alice-token"), "Mcp-Session-Id");
  ASSERT_EQ(HttpStatus(f.Call("alice-token", session)), 200);
  {
    std::lock_guard lock(f.mu);
    f.principals.erase("alice-token");  // as the real authenticator does once it expires
  }
  const std::string expired = f.Call("alice-token", session);
  EXPECT_EQ(HttpStatus(expired), 401);
  EXPECT_NE(HttpHeader(expired, "WWW-Authenticate").find("invalid_token"), std::string::npos);
}

TEST(HttpAuth, StatelessRequestsCarryTheirPrincipalAndScopeTasksByIt) {
  AuthFixture f;
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","_meta":{)"
      R"("io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";
  const std::string headers =
      "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: whoami\r\n";
  EXPECT_EQ(HttpStatus(f.Post(body, "", "", headers)), 401);
  const std::string answer = f.Post(body, "bob-token", "", headers);
  EXPECT_EQ(HttpStatus(answer), 200) << answer;
  EXPECT_NE(answer.find("oauth:https://idp.example bob|principal:oauth:https://idp.example bob"),
            std::string::npos)
      << answer;
}

TEST(HttpAuth, DigestModeNamesItsPrincipal) {
  McpServer server;
  Tool whoami;
  whoami.name = "whoami";
  server.AddTool(whoami, [](const Json&, CallContext& ctx) -> RpcResult {
    return ToolTextResult(PrincipalKey(*ctx.session.owner().auth));
  });
  HttpServerOptions options;
  options.bearer_token_digests = {TokenDigestHex("static-one"), TokenDigestHex("static-two")};
  HttpServer http(server, options);
  ASSERT_TRUE(http.Start().ok());
  const auto post = [&](const std::string& body, const std::string& token,
                        const std::string& session) {
    return Exchange(http.port(), McpPost(body, "Authorization: Bearer " + token +
                                                   "\r\nMcp-Session-Id: " + session + "\r\n"));
  };
  const std::string session = HttpHeader(
      Exchange(http.port(), McpPost(kInitializeBody, "Authorization: Bearer static-one\r\n")),
      "Mcp-Session-Id");
  const char* call = R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami"}})";
  const std::string answer = post(call, "static-one", session);
  EXPECT_NE(answer.find("bearer:sha256:" + TokenDigestHex("static-one").substr(0, 16)),
            std::string::npos)
      << answer;
  EXPECT_EQ(HttpStatus(post(call, "static-two", session)), 404);  // another principal
}

TEST(StdioAuth, TheLocalUserIsTheStdioPrincipal) {
  const auto auth = LocalUserAuth();
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->kind, AuthInfo::Kind::kLocalUser);
  const passwd* entry = ::getpwuid(::geteuid());
  EXPECT_EQ(auth->principal,
            entry != nullptr ? std::string(entry->pw_name) : "uid:" + std::to_string(::geteuid()));
  EXPECT_EQ(PrincipalKey(*auth), "local:" + auth->principal);
}

}  // namespace
}  // namespace aurite::mcp
