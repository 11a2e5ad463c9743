// How the Streamable HTTP server answers POSTs (a lone response as JSON on
// a kept-alive connection, anything streamed first as SSE) and what a
// client gets past the limits of a request's size and of a session's
// requests in progress (431, 413, 429), while others go on being served.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/http_server.h"
#include "support/raw_http.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using rawhttp::ConnectLoopback;
using rawhttp::Exchange;
using rawhttp::HttpHeader;
using rawhttp::HttpStatus;
using rawhttp::kInitializeBody;
using rawhttp::McpPost;

// A server with "hold" (waits until cancelled, at most 5 s) and "notify"
// (a log message before its response).
struct Served {
  explicit Served(HttpServerOptions options = {}) {
    Tool hold;
    hold.name = "hold";
    server.AddTool(hold, [](const Json&, CallContext& ctx) -> RpcResult {
      for (int i = 0; i < 5000 && !ctx.rpc.cancelled(); ++i) std::this_thread::sleep_for(1ms);
      return ToolTextResult("held");
    });
    Tool notify;
    notify.name = "notify";
    server.AddTool(notify, [](const Json&, CallContext& ctx) -> RpcResult {
      ctx.rpc.SendProgress(1, 2);
      return ToolTextResult("notified");
    });
    options.sse_keepalive = 200ms;
    http = std::make_unique<HttpServer>(server, options);
    EXPECT_TRUE(http->Start().ok());
  }
  std::uint16_t port() const { return http->port(); }
  // A new initialized session's header line.
  std::string NewSession() const {
    const std::string id = HttpHeader(Exchange(port(), McpPost(kInitializeBody)), "Mcp-Session-Id");
    EXPECT_FALSE(id.empty());
    const std::string header = "Mcp-Session-Id: " + id + "\r\n";
    Exchange(port(), McpPost(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", header));
    return header;
  }
  McpServer server;
  std::unique_ptr<HttpServer> http;
};

// A POST like McpPost's, but keeping the connection alive.
std::string KeptAlivePost(const std::string& body, const std::string& extra) {
  std::string request = McpPost(body, extra);
  request.erase(request.find("Connection: close\r\n"), 19);
  return request;
}

std::string Call(int id, const std::string& tool, const std::string& meta = "") {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":")" + tool + R"(","arguments":{})" + meta +
         "}}";
}

TEST(HttpAnswers, ALoneResponseIsJsonOnAKeptAliveConnection) {
  Served s;
  const std::string session = s.NewSession();
  // Two requests on one connection, the second closing it: both answered.
  const std::string answers =
      Exchange(s.port(), KeptAlivePost(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", session) +
                             McpPost(R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})", session));
  const auto second = answers.find("HTTP/1.1 ", 1);
  ASSERT_NE(second, std::string::npos) << answers;
  const std::string first = answers.substr(0, second);
  EXPECT_EQ(HttpStatus(first), 200);
  EXPECT_EQ(HttpHeader(first, "Content-Type"), "application/json");
  EXPECT_EQ(HttpHeader(first, "Mcp-Session-Id") + "\r\n", session.substr(16));
  EXPECT_EQ(HttpHeader(first, "Connection"), "");  // HTTP/1.1: kept alive
  EXPECT_NE(first.find(R"("id":2)"), std::string::npos);
  EXPECT_EQ(HttpStatus(answers.substr(second)), 200);
  EXPECT_EQ(HttpHeader(answers.substr(second), "Content-Type"), "application/json");
  EXPECT_NE(answers.find(R"("tools")", second), std::string::npos);
}

TEST(HttpAnswers, WhatIsSentBeforeTheResponseMakesItAStream) {
  Served s;
  const std::string answer = Exchange(
      s.port(), McpPost(Call(2, "notify", R"(,"_meta":{"progressToken":"p"})"), s.NewSession()));
  EXPECT_EQ(HttpStatus(answer), 200);
  EXPECT_EQ(HttpHeader(answer, "Content-Type"), "text/event-stream");
  const auto progress = answer.find("notifications/progress");
  const auto result = answer.find("notified");
  ASSERT_NE(progress, std::string::npos) << answer;
  EXPECT_LT(progress, result);
  EXPECT_NE(answer.find("id: "), std::string::npos);  // resumable
}

// A batch (protocol 2025-03-26 and older) is answered on one stream that
// carries each of its responses; a later protocol refuses it whole.
TEST(HttpAnswers, ABatchGetsEachResponseOnOneStreamWhereTheProtocolAllowsIt) {
  Served s;
  const std::string old_init =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{}}})";
  const std::string id = HttpHeader(Exchange(s.port(), McpPost(old_init)), "Mcp-Session-Id");
  ASSERT_FALSE(id.empty());
  const std::string session = "Mcp-Session-Id: " + id + "\r\n";
  Exchange(s.port(), McpPost(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", session));
  const std::string batch =
      R"([{"jsonrpc":"2.0","id":7,"method":"ping"},{"jsonrpc":"2.0","id":"eight","method":"tools/list"}])";
  const std::string answer = Exchange(s.port(), McpPost(batch, session));
  EXPECT_EQ(HttpStatus(answer), 200) << answer;
  EXPECT_EQ(HttpHeader(answer, "Content-Type"), "text/event-stream");
  EXPECT_NE(answer.find(R"("id":7)"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("id":"eight")"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("tools")"), std::string::npos) << answer;

  const std::string refused = Exchange(s.port(), McpPost(batch, s.NewSession()));
  EXPECT_EQ(HttpStatus(refused), 400) << refused;
  EXPECT_NE(refused.find("batches are not supported"), std::string::npos) << refused;
}

// The body limit is the HTTP server's: a body past the session's own
// message limit (4 MiB) but within a raised max_body_bytes is served, not
// refused by the session with an error that names no request (which left
// the POST waiting for an answer that never came).
TEST(HttpAnswers, ABodyWithinARaisedBodyLimitIsServed) {
  HttpServerOptions options;
  options.limits.max_body_bytes = 8 * 1024 * 1024;
  Served s(options);
  const std::string body = R"({"jsonrpc":"2.0","id":9,"method":"ping","params":{"pad":")" +
                           std::string(5 * 1024 * 1024, 'x') + R"("}})";
  const std::string answer = Exchange(s.port(), McpPost(body, s.NewSession()));
  EXPECT_EQ(HttpStatus(answer), 200) << answer.substr(0, 200);
  EXPECT_EQ(HttpHeader(answer, "Content-Type"), "application/json");
  EXPECT_NE(answer.find(R"("id":9)"), std::string::npos) << answer.substr(0, 200);
}

// A 2026-07-28 request, sessionless: its answer's HTTP status follows the
// JSON-RPC error it carries, and what is sent before it makes a stream.
TEST(HttpAnswers, AStatelessAnswerCarriesTheStatusOfItsError) {
  Served s;
  auto modern = [&](const std::string& method, const std::string& params,
                    const std::string& headers = "") {
    const std::string body =
        R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":{)" + params +
        R"("_meta":{"progressToken":"p","io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
        R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
    return Exchange(s.port(), McpPost(body, "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: " +
                                                method + "\r\n" + headers));
  };
  const std::string unknown = modern("no/such", "");
  EXPECT_EQ(HttpStatus(unknown), 404) << unknown;
  EXPECT_EQ(HttpHeader(unknown, "Content-Type"), "application/json");
  EXPECT_NE(unknown.find(R"("code":-32601)"), std::string::npos) << unknown;
  const std::string listed = modern("tools/list", "");
  EXPECT_EQ(HttpStatus(listed), 200) << listed;
  EXPECT_EQ(HttpHeader(listed, "Content-Type"), "application/json");
  const std::string mismatched =
      modern("tools/call", R"("name":"notify","arguments":{},)", "Mcp-Name: other\r\n");
  EXPECT_EQ(HttpStatus(mismatched), 400) << mismatched;
  const std::string streamed =
      modern("tools/call", R"("name":"notify","arguments":{},)", "Mcp-Name: notify\r\n");
  EXPECT_EQ(HttpStatus(streamed), 200) << streamed;
  EXPECT_EQ(HttpHeader(streamed, "Content-Type"), "text/event-stream");
  EXPECT_NE(streamed.find("notified"), std::string::npos) << streamed;
}

TEST(HttpAnswers, AHeadOverTheLimitGets431AndOthersAreServed) {
  HttpServerOptions options;
  options.limits.max_header_bytes = 2048;
  Served s(options);
  const std::string big = "X-Padding: " + std::string(4096, 'a') + "\r\n";
  const std::string refused = Exchange(s.port(), McpPost(kInitializeBody, big));
  EXPECT_EQ(HttpStatus(refused), 431);
  EXPECT_NE(refused.find("request head exceeds 2048 bytes"), std::string::npos) << refused;
  EXPECT_EQ(HttpStatus(Exchange(s.port(), McpPost(kInitializeBody))), 200);
}

TEST(HttpAnswers, RequestsInFlightPastTheLimitGet429UntilOneEnds) {
  HttpServerOptions options;
  options.limits.max_in_flight_per_session = 2;
  Served s(options);
  const std::string session = s.NewSession();
  // Two held calls fill the session.
  UniqueFd first = ConnectLoopback(s.port());
  UniqueFd second = ConnectLoopback(s.port());
  ASSERT_TRUE(rawhttp::SendText(first.get(), McpPost(Call(10, "hold"), session)));
  ASSERT_TRUE(rawhttp::SendText(second.get(), McpPost(Call(11, "hold"), session)));
  std::this_thread::sleep_for(200ms);
  const std::string refused =
      Exchange(s.port(), McpPost(R"({"jsonrpc":"2.0","id":12,"method":"ping"})", session), 2s);
  EXPECT_EQ(HttpStatus(refused), 429);
  EXPECT_EQ(HttpHeader(refused, "Retry-After"), "1");
  EXPECT_NE(refused.find("too many requests in progress in this session (at most 2)"),
            std::string::npos)
      << refused;
  EXPECT_NE(refused.find(R"("id":12)"), std::string::npos);
  // Another session is not affected.
  EXPECT_EQ(HttpStatus(Exchange(
                s.port(), McpPost(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", s.NewSession()))),
            200);
  // Cancelling one frees its place at once.
  EXPECT_EQ(
      HttpStatus(Exchange(
          s.port(),
          McpPost(
              R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":10}})",
              session))),
      202);
  EXPECT_EQ(HttpStatus(Exchange(
                s.port(), McpPost(R"({"jsonrpc":"2.0","id":13,"method":"ping"})", session), 2s)),
            200);
}

}  // namespace
}  // namespace aurite::mcp
