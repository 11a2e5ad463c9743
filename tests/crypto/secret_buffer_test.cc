// SecretBuffer: wiped on every release, move-only, never printed.
#include "crypto/secret_buffer.h"

#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <array>
#include <latch>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "crypto/random.h"

namespace aurite::crypto {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBuffer>);
static_assert(!std::is_copy_assignable_v<SecretBuffer>);
static_assert(std::is_nothrow_move_constructible_v<SecretBuffer>);
static_assert(!std::is_convertible_v<SecretBuffer, std::string>);
static_assert(!std::is_constructible_v<std::string, SecretBuffer>);
static_assert(!std::is_convertible_v<SecretBuffer, std::string_view>);

constexpr std::string_view kCanary = "canary-p@ss:w/rd;'\"}%=&#+ \xc3\xbc";

// What the wipe hook saw: one entry per released block.
struct ReleasedBlock {
  std::size_t size;
  bool all_zero;
};
std::vector<ReleasedBlock>* released = nullptr;

void RecordRelease(const unsigned char* block, std::size_t size) {
  bool all_zero = true;
  for (std::size_t i = 0; i < size; ++i) all_zero = all_zero && block[i] == 0;
  released->push_back({size, all_zero});
}

class SecretBufferWipeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    released = &blocks_;
    SetWipeObserverForTesting(&RecordRelease);
  }
  void TearDown() override {
    SetWipeObserverForTesting(nullptr);
    released = nullptr;
  }
  std::vector<ReleasedBlock> blocks_;
};

TEST_F(SecretBufferWipeTest, DestructionWipesBeforeRelease) {
  { SecretBuffer secret = SecretBuffer::CopyFrom(kCanary); }
  ASSERT_EQ(blocks_.size(), 1u);
  EXPECT_GE(blocks_[0].size, kCanary.size());
  EXPECT_TRUE(blocks_[0].all_zero);
}

TEST_F(SecretBufferWipeTest, AssignmentWipesThePreviousValue) {
  SecretBuffer secret = SecretBuffer::CopyFrom(kCanary);
  secret = SecretBuffer::CopyFrom("other");
  ASSERT_EQ(blocks_.size(), 1u);
  EXPECT_TRUE(blocks_[0].all_zero);
  EXPECT_EQ(secret.Reveal(), "other");
}

TEST_F(SecretBufferWipeTest, GrowingWipesTheOldBlock) {
  SecretBuffer secret = SecretBuffer::CopyFrom(kCanary);
  std::string more(1000, 'x');
  secret.Append(more);
  ASSERT_EQ(blocks_.size(), 1u);
  EXPECT_TRUE(blocks_[0].all_zero);
  EXPECT_EQ(secret.Reveal().substr(0, kCanary.size()), kCanary);
  EXPECT_EQ(secret.size(), kCanary.size() + more.size());
}

TEST_F(SecretBufferWipeTest, ClearWipes) {
  SecretBuffer secret = SecretBuffer::CopyFrom(kCanary);
  secret.Clear();
  EXPECT_TRUE(secret.empty());
  ASSERT_EQ(blocks_.size(), 1u);
  EXPECT_TRUE(blocks_[0].all_zero);
}

TEST_F(SecretBufferWipeTest, MovedFromBufferReleasesNothing) {
  SecretBuffer source = SecretBuffer::CopyFrom(kCanary);
  SecretBuffer target = std::move(source);
  EXPECT_TRUE(blocks_.empty());
  EXPECT_EQ(target.Reveal(), kCanary);
}

TEST(SecretBufferTest, TruncateWipesTheCutBytes) {
  SecretBuffer secret = SecretBuffer::CopyFrom("keep-drop");
  secret.Truncate(4);
  EXPECT_EQ(secret.Reveal(), "keep");
  for (std::size_t i = 4; i < 9; ++i) EXPECT_EQ(secret.data()[i], 0) << i;
}

TEST(SecretBufferTest, TakeFromWipesTheSourceString) {
  std::string text(kCanary);
  const char* storage = text.data();
  std::size_t size = text.size();
  SecretBuffer secret = SecretBuffer::TakeFrom(text);
  EXPECT_EQ(secret.Reveal(), kCanary);
  EXPECT_TRUE(text.empty());
  // The string keeps its allocation after clear(), so its old bytes can be read.
  ASSERT_EQ(text.data(), storage);
  for (std::size_t i = 0; i < size; ++i) EXPECT_EQ(storage[i], 0) << i;
}

TEST(SecretBufferTest, PrintsAndFormatsAsRedacted) {
  SecretBuffer secret = SecretBuffer::CopyFrom(kCanary);
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "[REDACTED]");
  EXPECT_EQ(fmt::format("key={}", secret), "key=[REDACTED]");
}

TEST(SecretBufferTest, CloneIsAnIndependentCopy) {
  SecretBuffer secret = SecretBuffer::CopyFrom(kCanary);
  SecretBuffer copy = secret.Clone();
  EXPECT_NE(copy.data(), secret.data());
  EXPECT_TRUE(copy.Equals(secret));
  copy.data()[0] = 'X';
  EXPECT_FALSE(copy.Equals(secret));
  EXPECT_FALSE(secret.Equals(SecretBuffer::CopyFrom("short")));
}

TEST(SecretBufferTest, SizedConstructorZeroFills) {
  SecretBuffer secret(32);
  ASSERT_EQ(secret.size(), 32u);
  for (unsigned char byte : secret.bytes()) EXPECT_EQ(byte, 0);
}

TEST(SecretBufferTest, UsesTheLockedSecureHeapWhenAvailable) {
  SecretBuffer secret = SecretBuffer::CopyFrom(kCanary);
  if (CRYPTO_secure_malloc_initialized() == 1) {
    EXPECT_EQ(CRYPTO_secure_allocated(secret.data()), 1);
  } else {
    // The arena could not be set up (mlock limit): secrets still work.
    EXPECT_EQ(secret.Reveal(), kCanary);
  }
}

// OpenSSL keeps each thread's random generator in the secure heap and
// seeds it from there, with no fallback: secrets that filled the heap made
// RAND_bytes fail under load (64 HTTP clients opening sessions at once),
// and FillRandom stops the process then. 256 threads drawing at once,
// beside more secrets than the heap holds.
TEST(SecretBufferTest, ManySecretsLeaveOpenSslRoomForManyThreads) {
  std::vector<SecretBuffer> secrets;
  for (int i = 0; i < 4096; ++i) secrets.emplace_back(64);  // 256 KiB: the whole arena
  EXPECT_EQ(secrets.back().size(), 64u);
  constexpr int kThreads = 256;
  std::latch drawn(kThreads);
  std::latch release(1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      std::array<unsigned char, 32> bytes{};
      FillRandom(bytes);  // stops the test binary on failure
      drawn.count_down();
      release.wait();  // every generator alive at once
    });
  }
  drawn.wait();
  release.count_down();
  for (auto& thread : threads) thread.join();
}

}  // namespace
}  // namespace aurite::crypto
