// Reference options (refresh=, max_age=): accepted only where a value can
// be refreshed, gathered per value, and refused with a clear error when
// malformed, on ${env:…}, or anywhere else.
#include <gtest/gtest.h>

#include "host/fake_environment.h"
#include "host/secret_reference.h"

namespace aurite::host {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kRefreshCanary = "canary-refresh-pw-5b1e";

class SecretReferenceOptionsTest : public ::testing::Test {
 protected:
  SecretReferenceOptionsTest() {
    fake_.vault_secrets["secret/orders#password"] = std::string(kRefreshCanary);
    fake_.aws_secrets["prod/orders#user"] = "app";
  }
  StatusOr<ExpandedSecret> Refreshable(std::string_view value) {
    return ExpandRefreshableSecretReferences(value, fake_.sources());
  }
  std::string ErrorOf(std::string_view value) {
    StatusOr<ExpandedSecret> expanded = Refreshable(value);
    EXPECT_FALSE(expanded.ok()) << value;
    if (expanded.ok()) return "";
    EXPECT_EQ(expanded.status().message().find(kRefreshCanary), std::string::npos);
    return expanded.status().message();
  }
  FakeEnvironment fake_;
};

TEST_F(SecretReferenceOptionsTest, RefreshOptionIsGatheredWithTheRawValue) {
  const std::string raw = "postgresql://app:${vault(refresh=5m):secret/orders#password}@db/o";
  StatusOr<ExpandedSecret> expanded = Refreshable(raw);
  ASSERT_TRUE(expanded.ok()) << expanded.status().message();
  EXPECT_EQ(expanded->value.Reveal(), "postgresql://app:" + std::string(kRefreshCanary) + "@db/o");
  ASSERT_TRUE(expanded->refresh.has_value());
  EXPECT_EQ(expanded->refresh->interval, milliseconds(300'000));
  EXPECT_FALSE(expanded->refresh->max_age.has_value());
  EXPECT_EQ(expanded->refresh->raw.Reveal(), raw);
  EXPECT_EQ(expanded->refresh->references, "${vault:secret/orders#password}");
}

TEST_F(SecretReferenceOptionsTest, ShortestIntervalAndMaxAgeOfAValueWin) {
  StatusOr<ExpandedSecret> expanded = Refreshable(
      "postgresql://${aws-sm(refresh=1h,max_age=1d):prod/orders#user}:"
      "${vault(max_age=2h,refresh=10m):secret/orders#password}@db/o");
  ASSERT_TRUE(expanded.ok()) << expanded.status().message();
  EXPECT_EQ(expanded->refresh->interval, milliseconds(600'000));
  EXPECT_EQ(expanded->refresh->max_age, milliseconds(7'200'000));
  EXPECT_EQ(expanded->refresh->references,
            "${aws-sm:prod/orders#user}, ${vault:secret/orders#password}");
}

TEST_F(SecretReferenceOptionsTest, ValueWithoutOptionsHasNoRefresh) {
  StatusOr<ExpandedSecret> expanded = Refreshable("x${vault:secret/orders#password}");
  ASSERT_TRUE(expanded.ok()) << expanded.status().message();
  EXPECT_FALSE(expanded->refresh.has_value());
}

TEST_F(SecretReferenceOptionsTest, MalformedOptionsAreClearErrors) {
  EXPECT_NE(ErrorOf("${vault(refresh=soon):secret/orders#password}")
                .find("refresh= expects a duration of at least 1s"),
            std::string::npos);
  EXPECT_NE(ErrorOf("${vault(refresh=500ms):secret/orders#password}")
                .find("refresh= expects a duration of at least 1s"),
            std::string::npos);
  EXPECT_NE(ErrorOf("${vault(every=5m):secret/orders#password}")
                .find("reference options are refresh=DURATION and max_age=DURATION"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf("${vault(refresh=5m,refresh=1m):secret/orders#password}").find("each at most once"),
      std::string::npos);
  EXPECT_NE(ErrorOf("${vault(max_age=5m):secret/orders#password}").find("max_age= needs refresh="),
            std::string::npos);
  EXPECT_NE(ErrorOf("${vault(refresh=1h,max_age=5m):secret/orders#password}")
                .find("max_age= must be at least refresh="),
            std::string::npos);
}

TEST_F(SecretReferenceOptionsTest, ErrorsNameTheReferenceWithoutItsOptions) {
  EXPECT_TRUE(ErrorOf("${vault(refresh=x):secret/orders#password}")
                  .starts_with("${vault:secret/orders#password}: "));
}

TEST_F(SecretReferenceOptionsTest, EnvironmentReferencesCannotBeRefreshed) {
  fake_.variables["PW"] = std::string(kRefreshCanary);
  EXPECT_NE(ErrorOf("${env(refresh=1m):PW}").find("the environment does not change"),
            std::string::npos);
}

TEST_F(SecretReferenceOptionsTest, OptionsAreRefusedWhereAValueIsReadOnce) {
  StatusOr<crypto::SecretBuffer> once =
      ExpandSecretReferences("${vault(refresh=5m):secret/orders#password}", fake_.sources());
  ASSERT_FALSE(once.ok());
  EXPECT_NE(once.status().message().find("refresh= is accepted only in the connection_string"),
            std::string::npos)
      << once.status().message();
  EXPECT_TRUE(fake_.vault_requests.empty()) << "read although refused";
}

TEST_F(SecretReferenceOptionsTest, UnknownSchemeWithParenthesesIsStillNotAReference) {
  EXPECT_NE(ErrorOf("pw${nope(refresh=1m):x}").find("is not a secret reference"),
            std::string::npos);
}

}  // namespace
}  // namespace aurite::host
