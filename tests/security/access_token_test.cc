// Tests of access tokens: shape, randomness, digests.
#include "security/access_token.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "base/text.h"

namespace aurite::security {
namespace {

TEST(AccessTokenTest, MintedTokensHaveThePrefixAndLength) {
  crypto::SecretBuffer token = MintAccessToken();
  EXPECT_TRUE(token.Reveal().starts_with("aurite_tk_"));
  EXPECT_EQ(token.size(), kAccessTokenTextSize);
  EXPECT_TRUE(LooksLikeAccessToken(token.Reveal()));
}

TEST(AccessTokenTest, MintedTokensAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(std::string(MintAccessToken().Reveal()));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(AccessTokenTest, LooksLikeAccessTokenRejectsOtherShapes) {
  std::string good = "aurite_tk_" + std::string(43, 'A');
  EXPECT_TRUE(LooksLikeAccessToken(good));
  EXPECT_FALSE(LooksLikeAccessToken("aurite_tk_" + std::string(42, 'A')));
  EXPECT_FALSE(LooksLikeAccessToken("aurite_tx_" + std::string(43, 'A')));
  EXPECT_FALSE(LooksLikeAccessToken("aurite_tk_" + std::string(42, 'A') + "+"));
  EXPECT_FALSE(LooksLikeAccessToken("postgres://u:p@h/db"));
}

TEST(AccessTokenTest, DigestIsSha256OfTheText) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(HexEncode(DigestAccessToken("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AccessTokenTest, DigestsEqualComparesWholeDigests) {
  TokenDigest a = DigestAccessToken("one");
  TokenDigest b = DigestAccessToken("one");
  TokenDigest c = a;
  c[31] ^= 1;
  EXPECT_TRUE(DigestsEqual(a, b));
  EXPECT_FALSE(DigestsEqual(a, c));
}

}  // namespace
}  // namespace aurite::security
