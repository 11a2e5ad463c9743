// The stdio server's bounded replies: a client that reads none of our output
// ends its session after the write stall, even while it keeps its input
// open, and a client that reads slowly but steadily gets every reply whole.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "mcp/server/server.h"
#include "mcp/transport/stdio_server.h"
#include "runtime/line_reader.h"
#include "runtime/pipe_io.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBigReply = 1 << 20;  // far more than a pipe holds

// ServeStdio on pipes, with a tool whose reply does not fit in the pipe.
class StallServer {
 public:
  explicit StallServer(std::chrono::milliseconds stall) {
    ServerOptions options;
    options.session.limits.max_bytes = 4 << 20;
    server_ = std::make_unique<McpServer>(options);
    Tool big;
    big.name = "big";
    server_->AddTool(big, [](const Json&, CallContext&) -> RpcResult {
      return ToolTextResult(std::string(kBigReply, 'y'));
    });
    auto in = runtime::MakePipe();
    auto out = runtime::MakePipe();
    to_server_ = std::move(in->write);
    from_server_ = std::move(out->read);
    server_in_ = std::move(in->read);
    server_out_ = std::move(out->write);
    served_ = std::async(std::launch::async, [this, stall] {
      StdioServerOptions stdio;
      stdio.in_fd = server_in_.get();
      stdio.out_fd = server_out_.get();
      stdio.claim_stdout = false;
      stdio.write_stall = stall;
      Status served = ServeStdio(*server_, stdio);
      server_out_.Reset();  // the client sees the end of our output
      return served;
    });
  }
  ~StallServer() {
    to_server_.Reset();
    from_server_.Reset();
    if (served_.valid()) served_.wait();
  }
  void Send(const Json& message) {
    ASSERT_TRUE(runtime::WriteAll(to_server_.get(), Dump(message) + "\n").ok());
  }
  void Initialize() {
    Send({{"jsonrpc", "2.0"},
          {"id", 0},
          {"method", "initialize"},
          {"params", {{"protocolVersion", "2025-11-25"}, {"capabilities", Json::object()}}}});
    runtime::LineReader reader(from_server_.get(), 1 << 20);
    auto reply = reader.Next();
    ASSERT_TRUE(reply && reply->line.find("\"result\"") != std::string::npos);
    Send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  }
  void CallBig(int id) {
    Send({{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", "big"}, {"arguments", Json::object()}}}});
  }
  int from_server() const { return from_server_.get(); }
  void CloseInput() { to_server_.Reset(); }
  std::future<Status>& served() { return served_; }

 private:
  std::unique_ptr<McpServer> server_;
  UniqueFd to_server_, from_server_, server_in_, server_out_;
  std::future<Status> served_;
};

TEST(StdioServerStall, AClientThatReadsNothingEndsItsSessionAfterTheStall) {
  StallServer s(300ms);
  s.Initialize();
  Clock::time_point start = Clock::now();
  s.CallBig(1);
  s.CallBig(2);  // its reply queues behind the first: it must not wait for ever either
  // The client keeps its input open and reads nothing.
  ASSERT_EQ(s.served().wait_for(10s), std::future_status::ready)
      << "the server still waits for a client that reads nothing";
  Status served = s.served().get();
  EXPECT_EQ(served.code(), StatusCode::kDeadlineExceeded) << served.ToString();
  EXPECT_NE(served.message().find("read none of our output"), std::string::npos)
      << served.message();
  EXPECT_GE(Clock::now() - start, 300ms);
}

TEST(StdioServerStall, ASlowClientThatKeepsReadingGetsEveryReplyWhole) {
  StallServer s(300ms);
  s.Initialize();
  s.CallBig(1);
  s.CallBig(2);
  s.CloseInput();
  // About 0.8 MB/s: each 1 MiB reply takes over a second, three times the
  // stall, but the server never waits 300 ms for room.
  std::string received;
  char chunk[16 * 1024];
  for (Clock::time_point give_up = Clock::now() + 20s; Clock::now() < give_up;) {
    std::this_thread::sleep_for(20ms);
    ssize_t n = ::read(s.from_server(), chunk, sizeof chunk);
    if (n <= 0) break;
    received.append(chunk, static_cast<std::size_t>(n));
  }
  ASSERT_EQ(s.served().wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(s.served().get().ok());
  int replies = 0;
  std::size_t start = 0;
  for (std::size_t end; (end = received.find('\n', start)) != std::string::npos; start = end + 1) {
    Json reply = Json::parse(received.substr(start, end - start));
    EXPECT_EQ(reply["result"]["content"][0]["text"].get<std::string>().size(), kBigReply);
    ++replies;
  }
  EXPECT_EQ(replies, 2);
}

}  // namespace
}  // namespace aurite::mcp
