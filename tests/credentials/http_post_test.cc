// HttpPost against a misbehaving peer on loopback: every way an answer can
// fail to arrive ends in a clear error within the configured bounds.
#include "credentials/http_post.h"

#include <gtest/gtest.h>

#include <chrono>

#include "scripted_peer.h"

namespace aurite::credentials {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

HttpEndpoint Loopback(std::uint16_t port) {
  HttpEndpoint endpoint;
  endpoint.tls = false;
  endpoint.host = "127.0.0.1";
  endpoint.port = port;
  return endpoint;
}

HttpRequestOptions Short() {
  HttpRequestOptions options;
  options.connect_timeout = milliseconds(500);
  options.exchange_timeout = milliseconds(800);
  return options;
}

StatusOr<HttpAnswer> Post(std::uint16_t port, const HttpRequestOptions& options = Short()) {
  return HttpPost(Loopback(port), {{"Content-Type", "text/plain"}}, "hello", options);
}

// How long `post` took.
template <typename Call>
milliseconds Timed(Call&& call) {
  const auto start = steady_clock::now();
  call();
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
}

// Posts to `peer` with a long exchange timeout, so that only the size cap
// can stop the answer, and expects it to stop it soon.
void ExpectSizeCapStops(const ScriptedPeer& peer) {
  HttpRequestOptions options = Short();
  options.exchange_timeout = milliseconds(30'000);
  StatusOr<HttpAnswer> answer = InternalError("not run");
  const milliseconds took = Timed([&] { answer = Post(peer.port(), options); });
  EXPECT_EQ(answer.status().code(), StatusCode::kResourceExhausted) << answer.status().message();
  EXPECT_NE(answer.status().message().find("larger than 1048576 bytes"), std::string::npos)
      << answer.status().message();
  EXPECT_LT(took, milliseconds(10'000));
}

TEST(HttpPostTest, SendsTheRequestAndReturnsTheAnswer) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>&) {
    peer.ReadRequest(fd);
    SendAll(fd,
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: 7\r\n\r\n<a>b</a");
  });
  StatusOr<HttpAnswer> answer = HttpPost(
      Loopback(peer.port()), {{"Content-Type", "text/plain"}, {"X-Amz-Date", "20240229T120000Z"}},
      "hello", Short());
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->status, 403);
  EXPECT_EQ(answer->content_type, "text/xml");
  EXPECT_EQ(answer->body.Reveal(), "<a>b</a");
  const std::string request = peer.request();
  EXPECT_TRUE(request.starts_with("POST / HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("Host: 127.0.0.1:" + std::to_string(peer.port()) + "\r\n"),
            std::string::npos)
      << request;
  EXPECT_NE(request.find("X-Amz-Date: 20240229T120000Z\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("Content-Length: 5\r\n"), std::string::npos) << request;
  EXPECT_TRUE(request.ends_with("\r\n\r\nhello")) << request;
}

TEST(HttpPostTest, GetSendsThePathWithItsQueryAndNoBody) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>&) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  });
  HttpEndpoint endpoint = Loopback(peer.port());
  endpoint.path = "/v1/secret/data/app?version=2";
  StatusOr<HttpAnswer> answer = HttpGet(endpoint, {{"X-Vault-Token", "t0ken"}}, Short());
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body.Reveal(), "{}");
  const std::string request = peer.request();
  EXPECT_TRUE(request.starts_with("GET /v1/secret/data/app?version=2 HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("X-Vault-Token: t0ken\r\n"), std::string::npos) << request;
  EXPECT_EQ(request.find("Content-Length"), std::string::npos) << request;
  EXPECT_TRUE(request.ends_with("\r\n\r\n")) << request;
}

TEST(HttpPostTest, PeerThatNeverAnswersTimesOut) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>& stopping) {
    peer.ReadRequest(fd);
    HoldOpen(stopping);
  });
  StatusOr<HttpAnswer> answer = InternalError("not run");
  const milliseconds took = Timed([&] { answer = Post(peer.port()); });
  EXPECT_EQ(answer.status().code(), StatusCode::kDeadlineExceeded) << answer.status().message();
  EXPECT_NE(answer.status().message().find("did not answer within 0.8 s"), std::string::npos)
      << answer.status().message();
  EXPECT_LT(took, milliseconds(5000));
}

// A peer that takes the TLS client hello and never answers it.
TEST(HttpPostTest, SilentTlsPeerTimesOutInTheHandshake) {
  ScriptedPeer peer([](int, const std::atomic<bool>& stopping) { HoldOpen(stopping); });
  HttpEndpoint endpoint = Loopback(peer.port());
  endpoint.tls = true;
  StatusOr<HttpAnswer> answer = InternalError("not run");
  const milliseconds took = Timed([&] { answer = HttpPost(endpoint, {}, "hello", Short()); });
  EXPECT_EQ(answer.status().code(), StatusCode::kDeadlineExceeded) << answer.status().message();
  EXPECT_NE(answer.status().message().find("did not complete the TLS handshake within 0.8 s"),
            std::string::npos)
      << answer.status().message();
  EXPECT_LT(took, milliseconds(5000));
}

// A byte every 50 ms keeps every single read short, but not the whole answer.
TEST(HttpPostTest, TricklingPeerTimesOut) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>& stopping) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
    while (!stopping && SendAll(fd, "x")) std::this_thread::sleep_for(milliseconds(50));
  });
  StatusOr<HttpAnswer> answer = InternalError("not run");
  const milliseconds took = Timed([&] { answer = Post(peer.port()); });
  EXPECT_EQ(answer.status().code(), StatusCode::kDeadlineExceeded) << answer.status().message();
  EXPECT_LT(took, milliseconds(5000));
}

TEST(HttpPostTest, EndlessBodyHitsTheSizeCap) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>& stopping) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n");
    const std::string block(64 * 1024, 'A');
    while (!stopping && SendAll(fd, block)) {
    }
  });
  ExpectSizeCapStops(peer);
}

TEST(HttpPostTest, EndlessChunkedBodyHitsTheSizeCap) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>& stopping) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'A') + "\r\n";
    while (!stopping && SendAll(fd, chunk)) {
    }
  });
  ExpectSizeCapStops(peer);
}

TEST(HttpPostTest, AnnouncedHugeBodyFailsBeforeItArrives) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>& stopping) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\nAAAA");
    HoldOpen(stopping);
  });
  ExpectSizeCapStops(peer);
}

TEST(HttpPostTest, HugeHeadHitsItsCap) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>& stopping) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\n");
    const std::string header = "X-Filler: " + std::string(1000, 'f') + "\r\n";
    for (int i = 0; i < 200 && !stopping && SendAll(fd, header); ++i) {
    }
    HoldOpen(stopping);
  });
  StatusOr<HttpAnswer> answer = Post(peer.port());
  EXPECT_EQ(answer.status().code(), StatusCode::kResourceExhausted) << answer.status().message();
  EXPECT_NE(answer.status().message().find("head larger than"), std::string::npos)
      << answer.status().message();
}

TEST(HttpPostTest, GarbageIsNotHttp) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>&) {
    peer.ReadRequest(fd);
    SendAll(fd, "SSH-2.0-OpenSSH_9.2\r\n\r\n\x01\x02\x03 not http at all\r\n\r\n");
  });
  StatusOr<HttpAnswer> answer = Post(peer.port());
  EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable) << answer.status().message();
  EXPECT_NE(answer.status().message().find("something other than HTTP/1.1"), std::string::npos)
      << answer.status().message();
  EXPECT_EQ(answer.status().message().find("OpenSSH"), std::string::npos)
      << answer.status().message();
}

TEST(HttpPostTest, PeerThatClosesAtOnce) {
  ScriptedPeer peer([](int, const std::atomic<bool>&) {});
  StatusOr<HttpAnswer> answer = Post(peer.port());
  EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable) << answer.status().message();
  EXPECT_NE(answer.status().message().find("closed the connection before a whole answer"),
            std::string::npos)
      << answer.status().message();
}

TEST(HttpPostTest, TruncatedBodyIsNotAnAnswer) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>&) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<AssumeRoleResponse>");
  });
  StatusOr<HttpAnswer> answer = Post(peer.port());
  EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable) << answer.status().message();
  EXPECT_NE(answer.status().message().find("closed the connection before a whole answer"),
            std::string::npos)
      << answer.status().message();
}

TEST(HttpPostTest, NothingListening) {
  std::uint16_t port = 0;
  {
    ScriptedPeer closed(nullptr);  // a port that was free a moment ago, closed again
    port = closed.port();
  }
  StatusOr<HttpAnswer> answer = Post(port);
  EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable) << answer.status().message();
  EXPECT_NE(answer.status().message().find("could not connect"), std::string::npos)
      << answer.status().message();
  EXPECT_NE(answer.status().message().find("http://127.0.0.1:" + std::to_string(port) + "/"),
            std::string::npos)
      << answer.status().message();
}

// A listener that never accepts, with its queue already full: the kernel
// drops further connection attempts, so connecting hangs until the timeout.
TEST(HttpPostTest, ConnectTimesOut) {
  ScriptedPeer peer(nullptr, /*backlog=*/0);
  std::vector<UniqueFd> fillers;
  for (int i = 0; i < 4; ++i) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(peer.port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::connect(fd.get(), reinterpret_cast<sockaddr*>(&to), sizeof to);
    fillers.push_back(std::move(fd));
  }
  std::this_thread::sleep_for(milliseconds(100));
  StatusOr<HttpAnswer> answer = InternalError("not run");
  const milliseconds took = Timed([&] { answer = Post(peer.port()); });
  EXPECT_EQ(answer.status().code(), StatusCode::kDeadlineExceeded) << answer.status().message();
  EXPECT_NE(answer.status().message().find("did not connect within 0.5 s"), std::string::npos)
      << answer.status().message();
  EXPECT_LT(took, milliseconds(5000));
}

}  // namespace
}  // namespace aurite::credentials
