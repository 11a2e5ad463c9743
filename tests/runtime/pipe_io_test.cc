// The bounded write of pipe_io: a reader that takes nothing stops the write
// after the stall, one that keeps taking bytes gets them all, and the
// descriptor keeps its blocking mode.
#include "runtime/pipe_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace aurite::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// More than a pipe holds (64 KiB by default).
const std::string kOverAPipe(1 << 20, 'x');

TEST(WriteAllUnlessStalledTest, AReaderThatTakesNothingStopsTheWriteAfterTheStall) {
  StatusOr<Pipe> pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  Clock::time_point start = Clock::now();
  Status written = WriteAllUnlessStalled(pipe->write.get(), kOverAPipe, 200ms);
  EXPECT_EQ(written.code(), StatusCode::kDeadlineExceeded) << written.ToString();
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(::fcntl(pipe->write.get(), F_GETFL) & O_NONBLOCK, 0) << "the mode was changed";
}

TEST(WriteAllUnlessStalledTest, ASlowReaderThatKeepsTakingBytesGetsThemAll) {
  StatusOr<Pipe> pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  std::string received;
  std::thread reader([&] {
    char chunk[16 * 1024];
    for (;;) {
      std::this_thread::sleep_for(20ms);  // 16 KiB per 20 ms: slower than the writer
      ssize_t n = ::read(pipe->read.get(), chunk, sizeof chunk);
      if (n <= 0) return;
      received.append(chunk, static_cast<std::size_t>(n));
    }
  });
  // The whole write takes over a second, five times the stall, but the
  // reader never leaves it waiting for 200 ms.
  Status written = WriteAllUnlessStalled(pipe->write.get(), kOverAPipe, 200ms);
  pipe->write.Reset();
  reader.join();
  EXPECT_TRUE(written.ok()) << written.ToString();
  EXPECT_EQ(received, kOverAPipe);
}

TEST(WriteAllUnlessStalledTest, AClosedReaderIsUnavailable) {
  IgnoreSigpipe();
  StatusOr<Pipe> pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  pipe->read.Reset();
  Status written = WriteAllUnlessStalled(pipe->write.get(), "hello\n", 200ms);
  EXPECT_EQ(written.code(), StatusCode::kUnavailable) << written.ToString();
}

}  // namespace
}  // namespace aurite::runtime
