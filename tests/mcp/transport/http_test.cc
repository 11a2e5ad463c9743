// Tests of the Streamable HTTP transport: our client against our server for
// the protocol, and raw HTTP for every access rule and bad request.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/bearer_auth.h"
#include "mcp/transport/http_client.h"
#include "mcp/transport/http_server.h"
#include "runtime/pipe_io.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<McpServer> MakeServer() {
  auto server = std::make_unique<McpServer>();
  Tool echo;
  echo.name = "echo";
  server->AddTool(echo, [](const Json& args, CallContext& ctx) -> RpcResult {
    ctx.rpc.SendProgress(1, 1);
    return ToolTextResult(args.value("message", ""));
  });
  Tool ask;
  ask.name = "ask";
  server->AddTool(ask, [](const Json&, CallContext& ctx) -> RpcResult {
    RpcResult r = ctx.session.Elicit({{"message", "name?"}, {"requestedSchema", Json::object()}});
    if (!r.ok()) return ToolErrorResult(r.error().message);
    return ToolTextResult(r.value()["content"]["name"].get<std::string>());
  });
  Tool slow;
  slow.name = "slow";
  server->AddTool(slow, [](const Json&, CallContext& ctx) -> RpcResult {
    for (int i = 0; i < 3000 && !ctx.rpc.cancelled(); ++i) std::this_thread::sleep_for(1ms);
    return ToolTextResult("slow");
  });
  return server;
}

struct HttpFixture {
  explicit HttpFixture(HttpServerOptions options = {}) : server(MakeServer()) {
    options.sse_keepalive = 200ms;
    http = std::make_unique<HttpServer>(*server, options);
    Status started = http->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
  }
  std::unique_ptr<HttpClient> Client(ClientOptions client = {}) {
    HttpClientOptions options;
    options.port = http->port();
    options.client = std::move(client);
    options.bearer_token = crypto::SecretBuffer::CopyFrom(token);
    return std::make_unique<HttpClient>(std::move(options));
  }
  std::unique_ptr<McpServer> server;
  std::unique_ptr<HttpServer> http;
  std::string token;
};

// Sends raw HTTP with "Connection: close" and returns everything read back.
std::string RawHttp(std::uint16_t port, const std::string& request) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "";
  (void)runtime::WriteAll(fd.get(), request);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

std::string Post(std::uint16_t port, const std::string& body, const std::string& extra = "") {
  return RawHttp(port,
                 "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                 "Content-Type: application/json\r\n"
                 "Accept: application/json, text/event-stream\r\n" +
                     extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

int StatusOf(const std::string& response) {
  return response.size() > 12 ? std::atoi(response.substr(9, 3).c_str()) : 0;
}

std::string Header(const std::string& response, const std::string& name) {
  const auto at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 4;
  return response.substr(start, response.find("\r\n", start) - start);
}

const char* kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}})";

std::string NewSession(std::uint16_t port) {
  return Header(Post(port, kInitialize), "Mcp-Session-Id");
}

TEST(HttpTransport, ClientInitializesListsAndCallsTools) {
  HttpFixture f;
  auto http = f.Client();
  ASSERT_TRUE(http->client().Initialize().ok());
  EXPECT_EQ(http->session_id().size(), 32u);
  RpcResult tools = http->client().ListTools();
  ASSERT_TRUE(tools.ok()) << tools.error().message;
  EXPECT_EQ(tools.value()["tools"].size(), 3u);
  RpcResult r = http->client().CallTool("echo", {{"message", "over http"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["content"][0]["text"], "over http");
  EXPECT_TRUE(http->Terminate().ok());
  EXPECT_EQ(http->client().Ping().error().code, error_code::kConnectionClosed);
}

TEST(HttpTransport, ProgressArrivesOnTheRequestStream) {
  HttpFixture f;
  auto http = f.Client();
  ASSERT_TRUE(http->client().Initialize().ok());
  std::atomic<int> progress{0};
  CallOptions options;
  options.on_progress = [&](const Json&) { ++progress; };
  ASSERT_TRUE(http->client().CallTool("echo", Json::object(), options).ok());
  EXPECT_EQ(progress, 1);
}

TEST(HttpTransport, ServerToClientRequestsRoundTrip) {
  HttpFixture f;
  ClientOptions client;
  client.capabilities = {{"elicitation", Json::object()}};
  auto http = f.Client(client);
  http->client().SetRequestHandler(
      "elicitation/create", [](const Json&, RequestContext&) -> RpcResult {
        return Json{{"action", "accept"}, {"content", {{"name", "Ada"}}}};
      });
  ASSERT_TRUE(http->client().Initialize().ok());
  RpcResult r = http->client().CallTool("ask", Json::object());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["content"][0]["text"], "Ada");
}

TEST(HttpTransport, ClientTimeoutCancelsAndFreesTheStream) {
  HttpFixture f;
  auto http = f.Client();
  ASSERT_TRUE(http->client().Initialize().ok());
  CallOptions options;
  options.timeout = 50ms;
  EXPECT_EQ(http->client().CallTool("slow", Json::object(), options).error().code,
            error_code::kRequestTimeout);
  EXPECT_TRUE(http->client().Ping().ok());
}

TEST(HttpTransport, BearerTokensAreCheckedAgainstDigests) {
  HttpServerOptions options;
  options.bearer_token_digests = {TokenDigestHex("right-token")};
  HttpFixture f(options);
  const std::string none = Post(f.http->port(), kInitialize);
  EXPECT_EQ(StatusOf(none), 401);
  EXPECT_EQ(Header(none, "WWW-Authenticate"), R"(Bearer realm="aurite")");
  const std::string wrong = Post(f.http->port(), kInitialize, "Authorization: Bearer wrong\r\n");
  EXPECT_EQ(StatusOf(wrong), 401);
  EXPECT_NE(Header(wrong, "WWW-Authenticate").find("invalid_token"), std::string::npos);
  EXPECT_EQ(StatusOf(Post(f.http->port(), kInitialize, "Authorization: Bearer right-token\r\n")),
            200);
  f.token = "right-token";
  EXPECT_TRUE(f.Client()->client().Initialize().ok());
}

TEST(HttpTransport, HostAndOriginAreValidated) {
  HttpFixture f;
  const auto port = f.http->port();
  const std::string body = kInitialize;
  const std::string evil_host = RawHttp(
      port,
      "POST /mcp HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\nContent-Type: "
      "application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(StatusOf(evil_host), 403);
  EXPECT_EQ(StatusOf(Post(port, body, "Origin: https://evil.example\r\n")), 403);
  EXPECT_EQ(StatusOf(Post(port, body, "Origin: http://localhost:6274\r\n")), 200);
}

TEST(HttpTransport, ListedOriginsReplaceTheLoopbackDefault) {
  HttpServerOptions options;
  options.allowed_origins = {"https://app.example"};
  HttpFixture f(options);
  EXPECT_EQ(StatusOf(Post(f.http->port(), kInitialize, "Origin: https://app.example\r\n")), 200);
  EXPECT_EQ(StatusOf(Post(f.http->port(), kInitialize, "Origin: http://localhost:1\r\n")), 403);
}

TEST(HttpTransport, BadRequestsGetTheRightStatus) {
  HttpServerOptions options;
  options.limits.max_body_bytes = 1024;
  HttpFixture f(options);
  const auto port = f.http->port();
  EXPECT_EQ(StatusOf(Post(port, std::string(2000, ' '))), 413);
  const std::string parse = Post(port, "{not json");
  EXPECT_EQ(StatusOf(parse), 400);
  EXPECT_NE(parse.find("-32700"), std::string::npos);
  EXPECT_EQ(StatusOf(Post(port, kInitialize, "MCP-Protocol-Version: 1999-01-01\r\n")), 400);
  EXPECT_EQ(StatusOf(Post(port, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})")), 400);
  EXPECT_EQ(StatusOf(Post(port, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})",
                          "Mcp-Session-Id: nope\r\n")),
            404);
  EXPECT_EQ(StatusOf(RawHttp(port,
                             "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                             "close\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}")),
            415);
  EXPECT_EQ(StatusOf(RawHttp(port,
                             "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                             "close\r\nContent-Type: application/json\r\nAccept: "
                             "text/html\r\nContent-Length: 2\r\n\r\n{}")),
            406);
  EXPECT_EQ(StatusOf(RawHttp(
                port, "GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")),
            404);
  EXPECT_EQ(StatusOf(RawHttp(port,
                             "PUT /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                             "close\r\nContent-Length: 0\r\n\r\n")),
            405);
  EXPECT_EQ(RawHttp(port, "garbage\r\n\r\n").find("HTTP/1.1 200"), std::string::npos);
  EXPECT_EQ(StatusOf(Post(port, kInitialize)), 200);  // still serving
}

// Heads that different HTTP readers (a proxy, this server) could read as
// different requests are refused, never served as one of their readings.
TEST(HttpTransport, AmbiguousRequestHeadsGet400) {
  HttpFixture f;
  const auto port = f.http->port();
  const std::string body = kInitialize;
  const std::string rest =
      "Connection: close\r\nContent-Type: application/json\r\nAccept: "
      "application/json, text/event-stream\r\n";
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  auto head = [&](const std::string& fields) {
    return RawHttp(port, "POST /mcp HTTP/1.1\r\n" + fields + rest + "\r\n" + body);
  };
  const std::string two_hosts = head("Host: 127.0.0.1\r\nHost: evil.example\r\n" + length);
  EXPECT_EQ(StatusOf(two_hosts), 400) << two_hosts;
  EXPECT_NE(two_hosts.find("more than one Host header"), std::string::npos) << two_hosts;
  EXPECT_EQ(StatusOf(head("Host: evil.example\r\nHost: 127.0.0.1\r\n" + length)), 400);
  EXPECT_EQ(StatusOf(head(length)), 400);  // no Host at all
  EXPECT_EQ(StatusOf(head("Host: 127.0.0.1\r\n" + length + length)), 400);
  EXPECT_EQ(StatusOf(head("Host: 127.0.0.1\r\n" + length + "Content-Length: 2\r\n")), 400);
  EXPECT_EQ(StatusOf(head("Host: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) +
                          ", " + std::to_string(body.size()) + "\r\n")),
            400);
  EXPECT_EQ(StatusOf(head("Host: 127.0.0.1\r\n" + length + "Transfer-Encoding: chunked\r\n")), 400);
  EXPECT_EQ(
      StatusOf(head("Host: 127.0.0.1\r\n" + length + "Mcp-Session-Id: a\r\nMcp-Session-Id: b\r\n")),
      400);
  EXPECT_EQ(StatusOf(head("Host: 127.0.0.1\r\n" + length)), 200);  // the same head, once
}

TEST(HttpTransport, SessionLifecycleAndBatchRules) {
  HttpFixture f;
  const auto port = f.http->port();
  const std::string id = NewSession(port);
  ASSERT_FALSE(id.empty());
  const std::string session = "Mcp-Session-Id: " + id + "\r\n";
  EXPECT_EQ(
      StatusOf(Post(port, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", session)),
      202);
  const std::string listed =
      Post(port, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", session);
  EXPECT_EQ(StatusOf(listed), 200);
  // Nothing streamed before the response: it comes as JSON.
  EXPECT_EQ(Header(listed, "Content-Type"), "application/json");
  EXPECT_EQ(Header(listed, "Mcp-Session-Id"), id);
  EXPECT_NE(listed.find("\"tools\""), std::string::npos);
  EXPECT_EQ(StatusOf(Post(port, R"([{"jsonrpc":"2.0","id":3,"method":"ping"}])", session)), 400);
  EXPECT_EQ(
      StatusOf(RawHttp(port, "DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                                 session + "\r\n")),
      200);
  EXPECT_EQ(StatusOf(Post(port, R"({"jsonrpc":"2.0","id":4,"method":"ping"})", session)), 404);
}

// Records each session the server reports closed, and whether the `last`
// tool's handler had returned by then.
struct ClosedSessions {
  explicit ClosedSessions(McpServer& server) {
    Tool last;
    last.name = "last";
    server.AddTool(last, [this](const Json&, CallContext& context) -> RpcResult {
      caller = &context.session;
      started = true;
      std::this_thread::sleep_for(200ms);  // ignores cancellation on purpose
      handler_done = true;
      return ToolTextResult("done");
    });
    server.SetSessionClosedHandler([this](const ServerSession& session) {
      std::lock_guard lock(mu);
      closed.emplace_back(&session, handler_done.load());
    });
  }
  std::vector<std::pair<const ServerSession*, bool>> Closed() {
    std::lock_guard lock(mu);
    return closed;
  }
  std::atomic<const ServerSession*> caller{nullptr};
  std::atomic<bool> started{false};
  std::atomic<bool> handler_done{false};
  std::mutex mu;
  std::vector<std::pair<const ServerSession*, bool>> closed;
};

const char* kCallLast =
    R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"last"}})";

std::string Delete(std::uint16_t port, const std::string& session_header) {
  return RawHttp(port, "DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                           session_header + "\r\n");
}

TEST(HttpTransport, DeleteReportsTheSessionClosedAfterItsLastHandler) {
  HttpFixture f;
  ClosedSessions sessions(*f.server);
  const auto port = f.http->port();
  const std::string session = "Mcp-Session-Id: " + NewSession(port) + "\r\n";
  std::thread call([&] { (void)Post(port, kCallLast, session); });
  while (!sessions.started) std::this_thread::yield();
  EXPECT_TRUE(sessions.Closed().empty());
  EXPECT_EQ(StatusOf(Delete(port, session)), 200);
  call.join();
  const auto closed = sessions.Closed();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].first, sessions.caller.load());
  EXPECT_TRUE(closed[0].second);
  EXPECT_EQ(StatusOf(Delete(port, session)), 404);
  EXPECT_EQ(sessions.Closed().size(), 1u);
}

TEST(HttpTransport, IdleExpiryAndStopReportSessionsClosed) {
  HttpServerOptions options;
  options.limits.session_idle_timeout = 300ms;
  HttpFixture f(options);
  ClosedSessions sessions(*f.server);
  const auto port = f.http->port();
  ASSERT_FALSE(NewSession(port).empty());
  while (sessions.Closed().empty()) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(sessions.Closed().size(), 1u);
  ASSERT_FALSE(NewSession(port).empty());
  f.http->Stop();
  EXPECT_EQ(sessions.Closed().size(), 2u);
}

TEST(HttpTransport, JsonResponseModeAnswersWithPlainJson) {
  HttpServerOptions options;
  options.json_response = true;
  HttpFixture f(options);
  const std::string answer = Post(f.http->port(), kInitialize);
  EXPECT_EQ(StatusOf(answer), 200);
  EXPECT_EQ(Header(answer, "Content-Type"), "application/json");
  const Json body = Json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["result"]["protocolVersion"], "2025-11-25");
  EXPECT_TRUE(f.Client()->client().Initialize().ok());
}

TEST(HttpTransport, FailedInitializeLeavesNoSession) {
  HttpFixture f;
  const std::string answer =
      Post(f.http->port(), R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  const std::string id = Header(answer, "Mcp-Session-Id");
  ASSERT_FALSE(id.empty());
  EXPECT_NE(answer.find("-32602"), std::string::npos);
  EXPECT_EQ(StatusOf(Post(f.http->port(), R"({"jsonrpc":"2.0","id":2,"method":"ping"})",
                          "Mcp-Session-Id: " + id + "\r\n")),
            404);
}

TEST(HttpTransport, IdleSessionsExpire) {
  HttpServerOptions options;
  options.limits.session_idle_timeout = 300ms;
  HttpFixture f(options);
  const auto port = f.http->port();
  const std::string session = "Mcp-Session-Id: " + NewSession(port) + "\r\n";
  EXPECT_EQ(StatusOf(Post(port, R"({"jsonrpc":"2.0","id":2,"method":"ping"})", session)), 200);
  std::this_thread::sleep_for(1000ms);
  EXPECT_EQ(StatusOf(Post(port, R"({"jsonrpc":"2.0","id":3,"method":"ping"})", session)), 404);
}

TEST(HttpTransport, StreamsCanBeResumedWithLastEventId) {
  HttpFixture f;
  const auto port = f.http->port();
  const std::string session = "Mcp-Session-Id: " + NewSession(port) + "\r\n";
  // A progress notification before the response makes the answer a stream.
  const std::string first = Post(
      port,
      R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{},"_meta":{"progressToken":"p"}}})",
      session);
  EXPECT_EQ(Header(first, "Content-Type"), "text/event-stream");
  const auto id_at = first.find("id: ");
  ASSERT_NE(id_at, std::string::npos);
  const std::string event_id = first.substr(id_at + 4, first.find('\n', id_at) - id_at - 4);
  const std::string stream = event_id.substr(0, event_id.find('/'));
  const std::string replay =
      RawHttp(port,
              "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: "
              "text/event-stream\r\n" +
                  session + "Last-Event-ID: " + stream + "/0\r\n\r\n");
  EXPECT_EQ(StatusOf(replay), 200);
  EXPECT_NE(replay.find("\"id\":5"), std::string::npos);
  EXPECT_EQ(StatusOf(RawHttp(port,
                             "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                             "close\r\nAccept: text/event-stream\r\n" +
                                 session + "Last-Event-ID: 999/0\r\n\r\n")),
            404);
  // A sequence that is not a number names no event: not a replay from the start.
  EXPECT_EQ(StatusOf(RawHttp(port,
                             "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                             "close\r\nAccept: text/event-stream\r\n" +
                                 session + "Last-Event-ID: " + stream + "/x\r\n\r\n")),
            404);
  // Only the id as given out names the stream.
  EXPECT_EQ(StatusOf(RawHttp(port,
                             "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                             "close\r\nAccept: text/event-stream\r\n" +
                                 session + "Last-Event-ID: 0" + stream + "/0\r\n\r\n")),
            404);
}

// A session keeps its last 32 streams for resumption: the oldest goes first.
TEST(HttpTransport, OnlyTheLatestStreamsCanBeResumed) {
  HttpFixture f;
  const auto port = f.http->port();
  const std::string session = "Mcp-Session-Id: " + NewSession(port) + "\r\n";
  auto stream_of = [&](int id) {
    const std::string answer = Post(
        port,
        R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
            R"(,"method":"tools/call","params":{"name":"echo","arguments":{},"_meta":{"progressToken":"p"}}})",
        session);
    const auto at = answer.find("id: ");
    EXPECT_NE(at, std::string::npos) << answer;
    return at == std::string::npos ? "" : answer.substr(at + 4, answer.find('/', at) - at - 4);
  };
  auto resumed = [&](const std::string& stream) {
    return StatusOf(RawHttp(port,
                            "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                            "close\r\nAccept: text/event-stream\r\n" +
                                session + "Last-Event-ID: " + stream + "/0\r\n\r\n"));
  };
  const std::string first = stream_of(1);
  std::string second = stream_of(2);
  for (int id = 3; id <= 32; ++id) stream_of(id);
  EXPECT_EQ(resumed(first), 200) << "32 streams: all kept";
  const std::string last = stream_of(33);
  EXPECT_EQ(resumed(first), 404) << "the 33rd pushed out the oldest";
  EXPECT_EQ(resumed(second), 200);
  EXPECT_EQ(resumed(last), 200);
}

TEST(HttpTransport, StandaloneGetStreamCarriesServerNotifications) {
  HttpFixture f;
  const auto port = f.http->port();
  const std::string session = "Mcp-Session-Id: " + NewSession(port) + "\r\n";
  std::string received;
  std::thread reader([&] {
    received = RawHttp(port,
                       "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: "
                       "text/event-stream\r\n" +
                           session + "\r\n");
  });
  std::this_thread::sleep_for(100ms);
  const std::string second = RawHttp(port,
                                     "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                                     "close\r\nAccept: text/event-stream\r\n" +
                                         session + "\r\n");
  EXPECT_EQ(StatusOf(second), 409);
  Tool added;
  added.name = "added";
  f.server->AddTool(added,
                    [](const Json&, CallContext&) -> RpcResult { return ToolTextResult(""); });
  std::this_thread::sleep_for(100ms);
  f.http->Stop();
  reader.join();
  EXPECT_NE(received.find("notifications/tools/list_changed"), std::string::npos);
}

TEST(HttpTransport, ClientVanishingMidRequestDoesNotStopTheServer) {
  HttpFixture f;
  const auto port = f.http->port();
  const std::string session = "Mcp-Session-Id: " + NewSession(port) + "\r\n";
  {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string body =
        R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})";
    (void)runtime::WriteAll(fd.get(),
                            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            "application/json\r\nAccept: application/json, text/event-stream\r\n" +
                                session + "Content-Length: " + std::to_string(body.size()) +
                                "\r\n\r\n" + body);
  }
  EXPECT_EQ(StatusOf(Post(port, R"({"jsonrpc":"2.0","id":8,"method":"ping"})", session)), 200);
}

TEST(HttpTransport, ServesHttpsWithCertificateFiles) {
  ASSERT_EQ(std::system("command -v openssl >/dev/null 2>&1"), 0)
      << "the openssl command makes the test certificate: run scripts/install-deps";
  const auto dir =
      std::filesystem::temp_directory_path() / ("aurite-mcp-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string();
  const std::string key = (dir / "key.pem").string();
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  HttpServerOptions options;
  options.tls_certificate_file = cert;
  options.tls_private_key_file = key;
  HttpFixture f(options);
  HttpClientOptions client;
  client.host = "localhost";
  client.port = f.http->port();
  client.tls = true;
  client.tls_ca_file = cert;
  {
    HttpClient https(std::move(client));
    RpcResult init = https.client().Initialize();
    EXPECT_TRUE(init.ok()) << init.error().message;
  }  // the client is gone before its CA file is
  EXPECT_EQ(StatusOf(Post(f.http->port(), kInitialize)), 0);  // plain HTTP is refused
  std::filesystem::remove_all(dir);
}

TEST(HttpTransport, BadTlsFilesFailToStart) {
  auto server = MakeServer();
  HttpServerOptions options;
  options.tls_certificate_file = "/nonexistent/cert.pem";
  options.tls_private_key_file = "/nonexistent/key.pem";
  HttpServer http(*server, options);
  EXPECT_EQ(http.Start().code(), StatusCode::kInvalidArgument);
}

TEST(BearerAuth, DigestsAndComparison) {
  const std::string digest = TokenDigestHex("abc");
  EXPECT_EQ(digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(BearerTokenAccepted("abc", {"not-hex", digest}));
  EXPECT_FALSE(BearerTokenAccepted("abd", {digest}));
  EXPECT_FALSE(BearerTokenAccepted("abc", {}));
}

}  // namespace
}  // namespace aurite::mcp
