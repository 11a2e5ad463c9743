// The strict base64url codec: round trips and every non-canonical form rejected.
#include "crypto/base64url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aurite::crypto {
namespace {

std::vector<unsigned char> Bytes(std::string_view text) { return {text.begin(), text.end()}; }

TEST(Base64UrlTest, EncodesRfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64UrlEncode(Bytes(plain), Padding::kPadded), encoded);
    StatusOr<std::vector<unsigned char>> decoded = Base64UrlDecode(encoded, Padding::kPadded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, Bytes(plain));
  }
}

TEST(Base64UrlTest, UsesUrlSafeAlphabet) {
  std::vector<unsigned char> bytes = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64UrlEncode(bytes, Padding::kPadded), "-_-_");
}

TEST(Base64UrlTest, UnpaddedFormOmitsPadding) {
  EXPECT_EQ(Base64UrlEncode(Bytes("f"), Padding::kUnpadded), "Zg");
  EXPECT_EQ(Base64UrlEncode(Bytes("fo"), Padding::kUnpadded), "Zm8");
  StatusOr<std::vector<unsigned char>> decoded = Base64UrlDecode("Zm8", Padding::kUnpadded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, Bytes("fo"));
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  for (std::size_t n = 0; n < 300; ++n) {
    std::vector<unsigned char> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<unsigned char>(i * 7 + n);
    for (Padding padding : {Padding::kPadded, Padding::kUnpadded}) {
      StatusOr<std::vector<unsigned char>> decoded =
          Base64UrlDecode(Base64UrlEncode(bytes, padding), padding);
      ASSERT_TRUE(decoded.ok()) << n;
      EXPECT_EQ(*decoded, bytes);
    }
  }
}

TEST(Base64UrlTest, RejectsNonCanonicalText) {
  const char* padded_rejects[] = {
      "Zg",        // missing padding
      "Zg=",       // short padding
      "Zg===",     // too much padding
      "Z===",      // one data character cannot encode a byte
      "Zm9v+A==",  // standard alphabet '+'
      "Zm9v/A==",  // standard alphabet '/'
      "Zm 9v",     // whitespace
      "Zm9v\n",    // newline
      "Zh==",      // non-zero trailing bits ('h' leaves bits set)
      "Zm=v",      // padding in the middle
      "=Zm9",      // padding at the start
      "%%%%",      // outside the alphabet
  };
  for (const char* text : padded_rejects) {
    EXPECT_FALSE(Base64UrlDecode(text, Padding::kPadded).ok()) << text;
  }
  EXPECT_FALSE(Base64UrlDecode("Zg==", Padding::kUnpadded).ok());
  EXPECT_FALSE(Base64UrlDecode("Z", Padding::kUnpadded).ok());
  EXPECT_FALSE(Base64UrlDecode("Zh", Padding::kUnpadded).ok());
}

TEST(Base64UrlTest, DecodesSecretsIntoSecretBuffer) {
  StatusOr<SecretBuffer> secret = Base64UrlDecodeSecret("c2VjcmV0", Padding::kPadded);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->Reveal(), "secret");
  SecretBuffer encoded = Base64UrlEncodeSecret(secret->bytes(), Padding::kPadded);
  EXPECT_EQ(encoded.Reveal(), "c2VjcmV0");
  EXPECT_FALSE(Base64UrlDecodeSecret("c2Vj*mV0", Padding::kPadded).ok());
}

}  // namespace
}  // namespace aurite::crypto
