// ReadSecret: whole input into a SecretBuffer, bounded, with clear errors.
#include "crypto/secret_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace aurite::crypto {
namespace {

// A pipe whose writer sends `text` from another thread and closes.
int PipeWith(const std::string& text, std::thread& writer) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  writer = std::thread([fd = fds[1], text] {
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  return fds[0];
}

TEST(SecretReaderTest, ReadsEverythingAcrossChunks) {
  std::string text(200'000, 'k');
  text[123'456] = 'x';
  std::thread writer;
  int fd = PipeWith(text, writer);
  StatusOr<SecretBuffer> read = ReadSecret(fd);
  writer.join();
  ::close(fd);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->Reveal(), text);
}

TEST(SecretReaderTest, StopsPastTheLimit) {
  std::thread writer;
  int fd = PipeWith(std::string(100, 'k'), writer);
  StatusOr<SecretBuffer> read = ReadSecret(fd, 99);
  writer.join();
  ::close(fd);
  EXPECT_EQ(read.status().code(), StatusCode::kResourceExhausted);
}

TEST(SecretReaderTest, InputOfExactlyTheLimitIsRead) {
  std::thread writer;
  int fd = PipeWith(std::string(99, 'k'), writer);
  StatusOr<SecretBuffer> read = ReadSecret(fd, 99);
  writer.join();
  ::close(fd);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), 99u);
}

TEST(SecretReaderTest, AFailedReadIsUnavailable) {
  EXPECT_EQ(ReadSecret(-1).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace aurite::crypto
