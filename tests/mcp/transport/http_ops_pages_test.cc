// Tests of the HTTP server's operational pages (http_ops_pages.h): served
// to GET and HEAD without the bearer token the MCP endpoint asks for, after
// the same head checks, and refused to other methods.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "mcp/server/server.h"
#include "mcp/transport/bearer_auth.h"
#include "mcp/transport/http_server.h"
#include "support/raw_http.h"

namespace aurite::mcp {
namespace {

constexpr const char* kOpsToken = "ops-pages-test-token";

// A server whose MCP endpoint needs kOpsToken, with one page, /healthz,
// counting its calls.
struct OpsFixture {
  explicit OpsFixture(HttpServerOptions options = {}) : server(std::make_unique<McpServer>()) {
    options.bearer_token_digests = {TokenDigestHex(kOpsToken)};
    options.ops_pages["/healthz"] = [this] {
      ++calls;
      PageResponse page;
      page.content_type = "text/plain; charset=utf-8";
      page.headers = {{"X-Page", "health"}};
      page.body = "ok\n";
      return page;
    };
    http = std::make_unique<HttpServer>(*server, std::move(options));
    started = http->Start();
  }
  std::string Request(const std::string& method, const std::string& target,
                      const std::string& extra = "") const {
    return rawhttp::Exchange(http->port(), method + " " + target +
                                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                                               "close\r\n" +
                                               extra + "\r\n");
  }

  std::unique_ptr<McpServer> server;
  std::unique_ptr<HttpServer> http;
  Status started;
  std::atomic<int> calls{0};
};

std::string BodyOf(const std::string& answer) {
  const auto end = answer.find("\r\n\r\n");
  return end == std::string::npos ? "" : answer.substr(end + 4);
}

TEST(HttpOpsPages, AreServedWithoutTheBearerTokenTheEndpointNeeds) {
  OpsFixture f;
  ASSERT_TRUE(f.started.ok()) << f.started.ToString();
  const std::string answer = f.Request("GET", "/healthz");
  EXPECT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  EXPECT_EQ(BodyOf(answer), "ok\n");
  EXPECT_EQ(rawhttp::HttpHeader(answer, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(rawhttp::HttpHeader(answer, "Cache-Control"), "no-store");
  EXPECT_EQ(rawhttp::HttpHeader(answer, "X-Page"), "health");
  // A query changes nothing; the MCP endpoint still wants its token.
  EXPECT_EQ(rawhttp::HttpStatus(f.Request("GET", "/healthz?verbose=1")), 200);
  EXPECT_EQ(rawhttp::HttpStatus(
                rawhttp::Exchange(f.http->port(), rawhttp::McpPost(rawhttp::kInitializeBody))),
            401);
  EXPECT_EQ(f.calls, 2);
}

TEST(HttpOpsPages, HeadGetsTheStatusAndLengthWithoutABody) {
  OpsFixture f;
  ASSERT_TRUE(f.started.ok()) << f.started.ToString();
  const std::string answer = f.Request("HEAD", "/healthz");
  EXPECT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  EXPECT_EQ(rawhttp::HttpHeader(answer, "Content-Length"), "3");
  EXPECT_EQ(BodyOf(answer), "");
}

TEST(HttpOpsPages, OtherMethodsGet405WithAllow) {
  OpsFixture f;
  ASSERT_TRUE(f.started.ok()) << f.started.ToString();
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    const std::string answer = f.Request(method, "/healthz", "Content-Length: 0\r\n");
    EXPECT_EQ(rawhttp::HttpStatus(answer), 405) << method << ": " << answer;
    EXPECT_EQ(rawhttp::HttpHeader(answer, "Allow"), "GET, HEAD") << method;
  }
  EXPECT_EQ(f.calls, 0);
}

TEST(HttpOpsPages, PassTheHeadChecksOfEveryRequest) {
  OpsFixture f;
  ASSERT_TRUE(f.started.ok()) << f.started.ToString();
  const auto get = [&f](const std::string& head) {
    return rawhttp::HttpStatus(rawhttp::Exchange(
        f.http->port(), "GET /healthz HTTP/1.1\r\nConnection: close\r\n" + head + "\r\n"));
  };
  EXPECT_EQ(get("Host: attacker.example\r\n"), 403);  // DNS rebinding
  EXPECT_EQ(get("Host: 127.0.0.1\r\nOrigin: https://attacker.example\r\n"), 403);
  EXPECT_EQ(get("Host: 127.0.0.1\r\nHost: 127.0.0.1\r\n"), 400);  // ambiguous
  EXPECT_EQ(get(""), 400);                                        // no Host
  EXPECT_EQ(f.calls, 0);
  EXPECT_EQ(get("Host: localhost\r\n"), 200);
}

TEST(HttpOpsPages, PathsNotListedAre404) {
  OpsFixture f;
  ASSERT_TRUE(f.started.ok()) << f.started.ToString();
  EXPECT_EQ(rawhttp::HttpStatus(f.Request("GET", "/readyz")), 404);
  EXPECT_EQ(rawhttp::HttpStatus(f.Request("GET", "/healthz/")), 404);
  EXPECT_EQ(f.calls, 0);
}

TEST(HttpOpsPages, StartRefusesPathsThatCollide) {
  const auto start_with = [](const std::string& path, HttpServerOptions options = {}) {
    McpServer server;
    options.ops_pages[path] = [] { return PageResponse{}; };
    HttpServer http(server, std::move(options));
    return http.Start();
  };
  EXPECT_TRUE(start_with("/metrics").ok());
  EXPECT_EQ(start_with("metrics").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(start_with("/mcp").code(), StatusCode::kInvalidArgument);
  HttpServerOptions pages;
  pages.pages_prefix = "/connect/";
  pages.pages = [](PageRequest&) { return PageResponse{}; };
  const Status under_prefix = start_with("/connect/health", pages);
  EXPECT_EQ(under_prefix.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(under_prefix.message().find("/connect/health"), std::string::npos);
}

TEST(HttpOpsPages, TheServerCountsItsSessions) {
  HttpServerOptions options;
  OpsFixture f(options);
  ASSERT_TRUE(f.started.ok()) << f.started.ToString();
  EXPECT_EQ(f.http->sessions(), 0u);
  const std::string answer = rawhttp::Exchange(
      f.http->port(), rawhttp::McpPost(rawhttp::kInitializeBody,
                                       std::string("Authorization: Bearer ") + kOpsToken + "\r\n"));
  ASSERT_FALSE(rawhttp::HttpHeader(answer, "Mcp-Session-Id").empty()) << answer;
  EXPECT_EQ(f.http->sessions(), 1u);
  f.http->Stop();
  EXPECT_EQ(f.http->sessions(), 0u);
}

}  // namespace
}  // namespace aurite::mcp
