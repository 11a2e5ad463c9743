// The bounded write of the stdio client: a child that never reads its stdin
// (`sleep`) gets its 64 KiB pipe filled. Sending never blocks; once the
// child has read nothing for the write deadline the link stalls (closed for
// writing, later sends fail at once), and a call's timeout fires on time
// meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "mcp/transport/stdio_client.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// More than a pipe holds, so part of it must wait for the reader.
const std::string kOverAPipe(256 * 1024, 'x');

std::unique_ptr<StdioClient> StartSleeper(std::chrono::milliseconds write_deadline,
                                          std::function<void()> on_stalled = {}) {
  StdioClientOptions options;
  options.spawn.program = "sleep";
  options.spawn.arguments = {"60"};
  options.log_name = "sleeper";
  options.shutdown_grace = 200ms;
  options.write_deadline = write_deadline;
  options.on_stalled = std::move(on_stalled);
  auto started = StdioClient::Start(std::move(options));
  EXPECT_TRUE(started.ok()) << started.status().ToString();
  return started.ok() ? std::move(started).value() : nullptr;
}

// Waits up to `bound` for the link to stall; how long it took.
Clock::duration TimeToStall(StdioClient& child, Clock::time_point since, Clock::duration bound) {
  while (!child.stalled() && Clock::now() - since < bound) std::this_thread::sleep_for(10ms);
  return Clock::now() - since;
}

TEST(StdioClientStall, AChildThatDoesNotReadStallsTheLinkAtTheWriteDeadline) {
  std::atomic<int> stalls{0};
  auto child = StartSleeper(1s, [&] { ++stalls; });
  ASSERT_TRUE(child);
  const auto start = Clock::now();
  // Queued for the writer thread: the sender does not wait for the child
  // (a sender that did would return after the link stalled, or never).
  EXPECT_TRUE(child->client().Notify("test/fill", {{"data", kOverAPipe}}).ok());
  EXPECT_TRUE(child->client().Notify("test/more", {{"data", kOverAPipe}}).ok());
  EXPECT_FALSE(child->stalled());
  // At the deadline: not before, and not long after (a bound, not a speed test).
  const auto waited = TimeToStall(*child, start, 10s);
  EXPECT_TRUE(child->stalled());
  EXPECT_GE(waited, 1s);
  EXPECT_LT(waited, 6s);
  // on_stalled runs on the writer thread just after stalled() turns true.
  for (const auto seen = Clock::now(); stalls.load() == 0 && Clock::now() - seen < 2s;) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(stalls.load(), 1);

  // The stream's framing is lost: later messages fail at once, saying why.
  const auto again = Clock::now();
  Status sent = child->client().Notify("test/small", {{"n", 1}});
  EXPECT_EQ(sent.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(sent.message().find("server 'sleeper' has not read its input for 1 s"),
            std::string::npos)
      << sent.message();
  RpcResult ping = child->client().Ping();
  ASSERT_FALSE(ping.ok());
  EXPECT_EQ(ping.error().code, error_code::kConnectionClosed);
  EXPECT_NE(ping.error().message.find("has not read its input"), std::string::npos);
  EXPECT_LT(Clock::now() - again, 1s);  // less than another deadline
  EXPECT_EQ(stalls.load(), 1);
  EXPECT_FALSE(child->exited());  // the child is the owner's to stop
  child->Shutdown();
}

// What waits for a full pipe is bounded: past kMaxQueuedBytes a send fails
// at once, saying so, and the link stays open for when the child reads.
TEST(StdioClientStall, QueuedInputIsBounded) {
  auto child = StartSleeper(60s);
  ASSERT_TRUE(child);
  const std::string mebibyte(1024 * 1024, 'x');
  Status sent;
  std::size_t sends = 0;
  while (sent.ok() && sends <= StdioClient::kMaxQueuedBytes / mebibyte.size() + 1) {
    sent = child->client().Notify("test/fill", {{"data", mebibyte}});
    ++sends;
  }
  EXPECT_EQ(sent.code(), StatusCode::kResourceExhausted) << sent.ToString();
  EXPECT_NE(sent.message().find("server 'sleeper' is not reading its input fast enough"),
            std::string::npos)
      << sent.message();
  EXPECT_GE(sends, StdioClient::kMaxQueuedBytes / mebibyte.size() - 1);
  EXPECT_FALSE(child->stalled());
  child->Shutdown();
}

// A child that leaves its pipe full for less than the deadline, then reads,
// is not stalled: what waited is written, and the link stays open.
TEST(StdioClientStall, AChildThatReadsLateIsNotStalled) {
  StdioClientOptions options;
  options.spawn.program = "sh";
  options.spawn.arguments = {"-c", "sleep 1; cat > /dev/null"};
  options.log_name = "late-reader";
  options.write_deadline = 2s;
  auto started = StdioClient::Start(std::move(options));
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  auto child = std::move(started).value();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(child->client().Notify("test/fill", {{"data", kOverAPipe}}).ok());
  }
  // Past the deadline counted from the first wait: only progress resets it.
  std::this_thread::sleep_for(3500ms);
  EXPECT_FALSE(child->stalled());
  EXPECT_TRUE(child->client().Notify("test/after", {{"n", 1}}).ok());
  child->Shutdown();
}

// The timer of a call fires on the process's one timer thread: it fails the
// call on time while the pipe is full, and the cancellation it then owes
// does not hold that thread up.
TEST(StdioClientStall, CallsTimeOutOnTimeWhileThePipeIsFull) {
  auto child = StartSleeper(3s);
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->client().Notify("test/fill", {{"data", kOverAPipe}}).ok());
  CallOptions options;
  options.timeout = 200ms;
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    RpcResult result = child->client().rpc().Call("test/call", {{"data", kOverAPipe}}, options);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, error_code::kRequestTimeout) << result.error().message;
    EXPECT_LT(Clock::now() - start, 2s) << "the timeout waited for the pipe";
  }
  EXPECT_FALSE(child->stalled());
  child->Shutdown();
}

}  // namespace
}  // namespace aurite::mcp
