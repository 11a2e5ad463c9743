// Availability of the Streamable HTTP transport under the two cheap
// attacks of issue 13 (item 9): many half-open connections trickling bytes,
// and many sessions opened and abandoned. Each time, a normal client must
// still be served within a second.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/http_client.h"
#include "mcp/transport/http_server.h"
#include "support/raw_http.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using rawhttp::ConnectLoopback;
using rawhttp::Exchange;
using rawhttp::HttpHeader;
using rawhttp::HttpStatus;
using rawhttp::kInitializeBody;
using rawhttp::McpPost;
using rawhttp::SendText;
using rawhttp::Tricklers;

// A server with a tool that holds its session in use until released, and
// a count of the sessions it reports closed.
struct Fixture {
  explicit Fixture(HttpServerOptions options = {}) : server(std::make_unique<McpServer>()) {
    Tool hold;
    hold.name = "hold";
    server->AddTool(hold, [this](const Json&, CallContext& ctx) -> RpcResult {
      held = true;
      while (!released && !ctx.rpc.cancelled()) std::this_thread::sleep_for(5ms);
      return ToolTextResult("released");
    });
    server->SetSessionClosedHandler([this](const ServerSession&) { ++closed; });
    options.sse_keepalive = 200ms;
    http = std::make_unique<HttpServer>(*server, options);
    Status started = http->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
  }
  std::uint16_t port() const { return http->port(); }

  // How long a normal client takes to connect, initialize and list tools;
  // fails the test when it is not served.
  Clock::duration ServeNormalClient() const {
    const auto start = Clock::now();
    HttpClientOptions options;
    options.port = http->port();
    options.client.session.default_timeout = 5s;
    HttpClient client(std::move(options));
    RpcResult init = client.client().Initialize();
    EXPECT_TRUE(init.ok()) << init.error().message;
    if (!init.ok()) return Clock::duration::max();
    RpcResult tools = client.client().ListTools();
    EXPECT_TRUE(tools.ok()) << tools.error().message;
    const auto took = Clock::now() - start;
    std::printf("normal client served in %lld ms\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    return took;
  }

  std::unique_ptr<McpServer> server;
  std::unique_ptr<HttpServer> http;
  std::atomic<bool> held{false};
  std::atomic<bool> released{false};
  std::atomic<int> closed{0};
};

TEST(HttpAvailability, HalfOpenConnectionsTricklingBytesDoNotStarveANormalClient) {
  Fixture f;
  Tricklers attack(f.port(), 100, "127.0.0.1");
  EXPECT_EQ(attack.connected(), 100);
  EXPECT_EQ(attack.Refused(), 0);
  const auto served = f.ServeNormalClient();
  EXPECT_LT(served, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(served).count()
                        << " ms";
}

TEST(HttpAvailability, OneAddressCannotTakeEveryConnection) {
  Fixture f;
  // 127.0.0.2 is this host too, but another client address than 127.0.0.1.
  Tricklers attack(f.port(), 300, "127.0.0.2");
  EXPECT_EQ(attack.Refused(), 300 - static_cast<int>(HttpLimits().max_connections_per_client));
  const std::string refused = Exchange(f.port(), McpPost(kInitializeBody), 2s, "127.0.0.2");
  EXPECT_EQ(HttpStatus(refused), 503) << refused;
  const auto served = f.ServeNormalClient();
  EXPECT_LT(served, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(served).count()
                        << " ms";
}

TEST(HttpAvailability, TrickledBytesDoNotExtendTheHeadDeadline) {
  HttpServerOptions options;
  options.limits.header_timeout = 300ms;
  options.limits.io_timeout = 3s;
  Fixture f(options);
  const auto start = Clock::now();
  Tricklers attack(f.port(), 1, "127.0.0.1");  // waits 300 ms itself
  while (attack.Refused() == 0 && Clock::now() - start < 3s) std::this_thread::sleep_for(10ms);
  const auto cut = Clock::now() - start;
  EXPECT_GE(cut, 300ms);
  EXPECT_LT(cut, 1s) << "cut after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(cut).count() << " ms";
  // Between requests a kept-alive connection may idle longer (io_timeout).
  const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  std::string first = McpPost(ping, "Mcp-Session-Id: unknown\r\n");  // a 404, kept alive
  first.replace(first.find("Connection: close"), 17, "Connection: keep-alive");
  UniqueFd fd = ConnectLoopback(f.port());
  ASSERT_TRUE(SendText(fd.get(), first));
  std::this_thread::sleep_for(800ms);
  ASSERT_TRUE(SendText(fd.get(), McpPost(ping, "Mcp-Session-Id: unknown\r\n")));
  const std::string both = rawhttp::ReadUntilClosed(fd.get(), 3s);
  EXPECT_EQ(HttpStatus(both), 404);
  EXPECT_NE(both.find("HTTP/1.1 404", 12), std::string::npos) << both;
}

TEST(HttpAvailability, AbandonedSessionsAreEvictedForANewClient) {
  Fixture f;
  const int abandoned = static_cast<int>(HttpLimits().max_sessions) + 44;
  std::vector<std::string> ids;
  for (int i = 0; i < abandoned; ++i) {
    ids.push_back(HttpHeader(Exchange(f.port(), McpPost(kInitializeBody)), "Mcp-Session-Id"));
  }
  EXPECT_FALSE(ids.back().empty()) << "the last abandoned session was refused";
  const auto served = f.ServeNormalClient();
  EXPECT_LT(served, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(served).count()
                        << " ms";
  // The oldest idle ones were ended properly (the session-closed handler
  // ran for each); the newest still work.
  const auto start = Clock::now();
  while (f.closed < 45 && Clock::now() - start < 3s) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(f.closed, 45);
  const std::string ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
  EXPECT_EQ(HttpStatus(Exchange(f.port(), McpPost(ping, "Mcp-Session-Id: " + ids[0] + "\r\n"))),
            404);
  EXPECT_EQ(HttpStatus(Exchange(f.port(), McpPost(ping, "Mcp-Session-Id: " + ids.back() + "\r\n"))),
            200);
}

// An abandoned session whose client left its standalone GET stream open
// (a listener, not a request) is evicted all the same, its stream ended.
TEST(HttpAvailability, AnOpenGetStreamDoesNotKeepAnAbandonedSessionFromEviction) {
  HttpServerOptions options;
  options.limits.max_sessions = 4;
  Fixture f(options);
  std::vector<std::thread> listeners;
  std::atomic<int> ended{0};
  for (int i = 0; i < 4; ++i) {
    const std::string id =
        HttpHeader(Exchange(f.port(), McpPost(kInitializeBody)), "Mcp-Session-Id");
    ASSERT_FALSE(id.empty());
    listeners.emplace_back([&f, &ended, id] {
      (void)Exchange(f.port(),
                     "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: "
                     "text/event-stream\r\nMcp-Session-Id: " +
                         id + "\r\n\r\n",
                     10s);
      ++ended;
    });
  }
  std::this_thread::sleep_for(200ms);  // every stream open
  const auto served = f.ServeNormalClient();
  EXPECT_LT(served, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(served).count()
                        << " ms";
  const auto start = Clock::now();
  // The session's streams end before its close handler runs: wait for both.
  while ((ended < 1 || f.closed < 1) && Clock::now() - start < 3s) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(ended, 1);  // the oldest one's stream, ended with its session
  EXPECT_EQ(f.closed, 1);
  f.http->Stop();
  for (std::thread& listener : listeners) listener.join();
}

TEST(HttpAvailability, SessionsInUseAreNeverEvicted) {
  HttpServerOptions options;
  options.limits.max_sessions = 1;
  Fixture f(options);
  const std::string id = HttpHeader(Exchange(f.port(), McpPost(kInitializeBody)), "Mcp-Session-Id");
  ASSERT_FALSE(id.empty());
  const std::string session = "Mcp-Session-Id: " + id + "\r\n";
  std::thread call([&] {
    (void)Exchange(
        f.port(),
        McpPost(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"hold"}})",
                session));
  });
  while (!f.held) std::this_thread::sleep_for(5ms);
  const std::string refused = Exchange(f.port(), McpPost(kInitializeBody));
  EXPECT_EQ(HttpStatus(refused), 503);
  EXPECT_EQ(HttpHeader(refused, "Retry-After"), "1");
  f.released = true;
  call.join();
  EXPECT_EQ(HttpStatus(Exchange(f.port(), McpPost(kInitializeBody))), 200);
  EXPECT_EQ(HttpStatus(Exchange(f.port(),
                                McpPost(R"({"jsonrpc":"2.0","id":3,"method":"ping"})", session))),
            404);
}

TEST(HttpAvailability, AStatelessRequestsSessionEndsAfterItsAnswer) {
  Fixture f;
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{)"
                           R"("io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                           R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
  const std::string answer = Exchange(
      f.port(), McpPost(body, "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/list\r\n"));
  ASSERT_EQ(HttpStatus(answer), 200) << answer;
  EXPECT_NE(answer.find("\"hold\""), std::string::npos) << answer;
  EXPECT_EQ(f.closed, 1);
}

}  // namespace
}  // namespace aurite::mcp
