// ParseVaultKvAnswer on answers the stand-in does not give: Vault's 5xx
// (sealed), other 4xx, a KV version 1 answer, fields of the wrong type, and
// an "errors" text with control characters; no message quotes the secret.
#include "secrets/vault_kv_answer.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::secrets {
namespace {

const VaultSecretReference kReference{
    .mount = "secret", .path = "orders/db", .field = "password", .version = std::nullopt};
constexpr std::string_view kVaultAddress = "https://vault.internal:8200";

StatusOr<crypto::SecretBuffer> ParseKvAnswer(std::string_view body, int status,
                                             const VaultSecretReference& reference = kReference) {
  StatusOr<crypto::SecretBuffer> value =
      ParseVaultKvAnswer(crypto::SecretBuffer::CopyFrom(body), status, reference, kVaultAddress);
  if (!value.ok()) {
    EXPECT_EQ(value.status().message().find("CANARY"), std::string::npos)
        << value.status().message();
    EXPECT_NE(value.status().message().find("secret/orders/db"), std::string::npos)
        << value.status().message();
  }
  return value;
}

TEST(VaultKvAnswerTest, ServerErrorsAreUnavailableNamingTheAddress) {
  StatusOr<crypto::SecretBuffer> sealed = ParseKvAnswer(R"({"errors":["Vault is sealed"]})", 503);
  ASSERT_EQ(sealed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(sealed.status().message().find(kVaultAddress), std::string::npos);
  EXPECT_NE(sealed.status().message().find("Vault is sealed"), std::string::npos);
  EXPECT_EQ(ParseKvAnswer("<html>bad gateway</html>", 502).status().code(),
            StatusCode::kUnavailable);
}

TEST(VaultKvAnswerTest, OtherStatusesAreInvalidArgumentQuotingVaultSafely) {
  StatusOr<crypto::SecretBuffer> value =
      ParseKvAnswer("{\"errors\":[\"bad\\nrequest\", \"two\"]}", 400);
  ASSERT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(value.status().message().find("bad request; two"), std::string::npos)
      << value.status().message();
}

TEST(VaultKvAnswerTest, PermissionDeniedKeepsVaultsOtherText) {
  StatusOr<crypto::SecretBuffer> value =
      ParseKvAnswer(R"({"errors":["1 error occurred: token expired"]})", 403);
  ASSERT_EQ(value.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(value.status().message().find("token expired"), std::string::npos);
}

TEST(VaultKvAnswerTest, KvVersionOneAnswerIsAFailedPrecondition) {
  StatusOr<crypto::SecretBuffer> value = ParseKvAnswer(R"({"data":{"password":"CANARY-v1"}})", 200);
  ASSERT_EQ(value.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(value.status().message().find("KV version 1"), std::string::npos);
  EXPECT_EQ(ParseKvAnswer("not json CANARY", 200).status().code(), StatusCode::kFailedPrecondition);
}

TEST(VaultKvAnswerTest, FieldsOfTheWrongTypeAndEmptySecrets) {
  EXPECT_EQ(
      ParseKvAnswer(R"({"data":{"data":{"password":{"nested":"CANARY"}}}})", 200).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseKvAnswer(R"({"data":{"data":{"password":null}}})", 200).status().code(),
            StatusCode::kInvalidArgument);
  VaultSecretReference whole = kReference;
  whole.field.reset();
  EXPECT_EQ(ParseKvAnswer(R"({"data":{"data":{}}})", 200, whole).status().code(),
            StatusCode::kInvalidArgument);
  StatusOr<crypto::SecretBuffer> flag =
      ParseKvAnswer(R"({"data":{"data":{"enabled":true}}})", 200, whole);
  ASSERT_TRUE(flag.ok()) << flag.status().message();
  EXPECT_EQ(flag->Reveal(), "true");
}

}  // namespace
}  // namespace aurite::secrets
