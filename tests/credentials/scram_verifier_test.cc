// SCRAM-SHA-256 verifiers: equal to an independent implementation (Python's
// hashlib and hmac, computed once for the vector below); that PostgreSQL
// accepts them is checked by logging in (database_admin_test.cc).
#include "credentials/scram_verifier.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace aurite::credentials {
namespace {

TEST(ScramVerifierTest, MatchesAnIndependentImplementation) {
  std::array<unsigned char, 16> salt;
  for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<unsigned char>(i);
  StatusOr<crypto::SecretBuffer> verifier = ScramSha256Verifier(
      crypto::SecretBuffer::CopyFrom("Canary-Password-0123456789abcdef"), salt, 4096);
  ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
  EXPECT_EQ(
      verifier->Reveal(),
      "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$R+K0LWYlaE4dvJy6UFh2Tm7xRlJLXzTKkdDAt2qeA8Y="
      ":tmk3sYVwHiBDS5sKvIfBbKwqeQRw3TNBD1h9Ucs26mQ=");
}

TEST(ScramVerifierTest, EachVerifierHasItsOwnSaltAndNoPlaintext) {
  crypto::SecretBuffer password = crypto::SecretBuffer::CopyFrom("Canary-Password");
  StatusOr<crypto::SecretBuffer> one = ScramSha256Verifier(password);
  StatusOr<crypto::SecretBuffer> two = ScramSha256Verifier(password);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_FALSE(one->Equals(*two));
  EXPECT_TRUE(one->Reveal().starts_with("SCRAM-SHA-256$4096:"));
  EXPECT_EQ(one->Reveal().find("Canary"), std::string_view::npos);
}

TEST(ScramVerifierTest, RefusesPasswordsThatNeedSaslPrep) {
  for (std::string_view password : {std::string_view("caf\xc3\xa9"), std::string_view("tab\there"),
                                    std::string_view("nul\0", 4)}) {
    StatusOr<crypto::SecretBuffer> verifier =
        ScramSha256Verifier(crypto::SecretBuffer::CopyFrom(password));
    EXPECT_EQ(verifier.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace aurite::credentials
