// Fernet behaviour beyond the spec vectors: tampering, TTL edges, keys.
#include "crypto/fernet.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/base64url.h"

namespace aurite::crypto {
namespace {

constexpr std::uint64_t kMadeAt = 1'700'000'000;
const unsigned char kIv[Fernet::kIvSize] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

std::span<const unsigned char> AsBytes(std::string_view text) {
  return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

class FernetTest : public ::testing::Test {
 protected:
  Fernet fernet_{FernetKey::Generate()};

  std::string TokenMadeAt(std::uint64_t timestamp) {
    return fernet_.EncryptAt(AsBytes("postgres://u:p@h/db"), timestamp, kIv);
  }
  bool OpensAt(const std::string& token, std::uint64_t now, std::int64_t ttl) {
    return fernet_.Decrypt(token, {std::chrono::seconds(ttl), now}).ok();
  }
};

TEST_F(FernetTest, RoundTripsAndRandomizesIv) {
  std::string first = fernet_.Encrypt("hello");
  std::string second = fernet_.Encrypt("hello");
  EXPECT_NE(first, second);
  StatusOr<SecretBuffer> plaintext = fernet_.Decrypt(first);
  ASSERT_TRUE(plaintext.ok());
  EXPECT_EQ(plaintext->Reveal(), "hello");
}

TEST_F(FernetTest, RoundTripsEmptyAndBlockSizedPlaintexts) {
  for (std::size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 4096}) {
    std::string text(n, 'z');
    StatusOr<SecretBuffer> plaintext = fernet_.Decrypt(fernet_.Encrypt(text));
    ASSERT_TRUE(plaintext.ok()) << n;
    EXPECT_EQ(plaintext->Reveal(), text);
  }
}

TEST_F(FernetTest, EverySingleBitFlipIsRejected) {
  std::string token = TokenMadeAt(kMadeAt);
  std::vector<unsigned char> raw = *Base64UrlDecode(token, Padding::kPadded);
  for (std::size_t byte = 0; byte < raw.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<unsigned char> flipped = raw;
      flipped[byte] ^= static_cast<unsigned char>(1 << bit);
      std::string tampered = Base64UrlEncode(flipped, Padding::kPadded);
      EXPECT_FALSE(fernet_.Decrypt(tampered).ok()) << "byte " << byte << " bit " << bit;
    }
  }
}

TEST_F(FernetTest, EveryTextCharacterChangeIsRejected) {
  std::string token = TokenMadeAt(kMadeAt);
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(fernet_.Decrypt(changed).ok()) << i;
  }
}

TEST_F(FernetTest, TruncatedAndExtendedTokensAreRejected) {
  std::string token = TokenMadeAt(kMadeAt);
  EXPECT_FALSE(fernet_.Decrypt(token.substr(0, token.size() - 4)).ok());
  EXPECT_FALSE(fernet_.Decrypt(token + "AAAA").ok());
  EXPECT_FALSE(fernet_.Decrypt("").ok());
}

TEST_F(FernetTest, TtlAcceptsUpToAndIncludingExpiry) {
  std::string token = TokenMadeAt(kMadeAt);
  EXPECT_TRUE(OpensAt(token, kMadeAt, 60));
  EXPECT_TRUE(OpensAt(token, kMadeAt + 60, 60));   // exactly at expiry
  EXPECT_FALSE(OpensAt(token, kMadeAt + 61, 60));  // one second later
}

TEST_F(FernetTest, TtlAllowsSixtySecondsOfClockSkew) {
  std::string token = TokenMadeAt(kMadeAt);
  EXPECT_TRUE(OpensAt(token, kMadeAt - 60, 3600));   // token from 60 s in the future
  EXPECT_FALSE(OpensAt(token, kMadeAt - 61, 3600));  // 61 s is too far
}

TEST_F(FernetTest, WithoutTtlAgeIsNotChecked) {
  std::string token = TokenMadeAt(1);
  EXPECT_TRUE(fernet_.Decrypt(token).ok());
  EXPECT_FALSE(OpensAt(token, kMadeAt, 3600));
}

TEST_F(FernetTest, HugeTtlDoesNotOverflow) {
  std::string token = TokenMadeAt(kMadeAt);
  EXPECT_TRUE(OpensAt(token, kMadeAt + 10, std::numeric_limits<std::int64_t>::max()));
}

TEST_F(FernetTest, ReportsTheTokenTimestamp) {
  StatusOr<FernetPlaintext> opened = fernet_.DecryptWithTimestamp(TokenMadeAt(kMadeAt));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->timestamp, kMadeAt);
}

TEST_F(FernetTest, AnotherKeyCannotDecrypt) {
  Fernet other(FernetKey::Generate());
  StatusOr<SecretBuffer> result = other.Decrypt(fernet_.Encrypt("hello"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), InvalidFernetTokenError().message());
}

TEST(FernetKeyTest, ParsesAndPrintsTheTextForm) {
  FernetKey key = FernetKey::Generate();
  SecretBuffer text = key.ToText();
  EXPECT_EQ(text.size(), FernetKey::kTextSize);
  StatusOr<FernetKey> parsed = FernetKey::FromText(text.Reveal());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(std::equal(parsed->bytes().begin(), parsed->bytes().end(), key.bytes().begin()));
}

TEST(FernetKeyTest, RejectsMalformedKeysWithoutEchoingThem) {
  const std::string bad[] = {
      "",
      "short",
      "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",    // 43 characters, no padding
      "cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=",   // standard alphabet
      "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4==",  // 45 characters
  };
  for (const std::string& text : bad) {
    StatusOr<FernetKey> key = FernetKey::FromText(text);
    ASSERT_FALSE(key.ok()) << text;
    if (!text.empty()) {
      EXPECT_EQ(key.status().message().find(text), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace aurite::crypto
