// Fields of a JSON secret: strings, numbers and booleans as text; other
// types, other documents and missing keys as errors that name the field and
// never the secret.
#include "secrets/json_field.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::secrets {
namespace {

constexpr std::string_view kRdsSecret =
    R"({"username": "orders_app", "password": "CANARY-p@ss\"w\u00f6rd", "host": "db.internal",
        "port": 5432, "dbname": "orders", "ratio": 1.5, "ssl": true, "engine": null,
        "tags": {"a": "CANARY-tag"}, "list": ["CANARY-item"]})";

std::string Field(std::string_view secret, std::string_view field) {
  StatusOr<crypto::SecretBuffer> value =
      JsonSecretField(crypto::SecretBuffer::CopyFrom(secret), field, "secret 'prod/orders'");
  return value.ok() ? std::string(value->Reveal()) : "error: " + value.status().message();
}

TEST(JsonFieldTest, StringsNumbersAndBooleansBecomeText) {
  EXPECT_EQ(Field(kRdsSecret, "username"), "orders_app");
  EXPECT_EQ(Field(kRdsSecret, "password"), "CANARY-p@ss\"w\xc3\xb6rd");  // escapes decoded
  EXPECT_EQ(Field(kRdsSecret, "port"), "5432");
  EXPECT_EQ(Field(kRdsSecret, "ratio"), "1.5");
  EXPECT_EQ(Field(kRdsSecret, "ssl"), "true");
  EXPECT_EQ(Field(R"({"a#b": "x"})", "a#b"), "x");
}

TEST(JsonFieldTest, MissingFieldIsNotFoundNamingSecretAndField) {
  StatusOr<crypto::SecretBuffer> value =
      JsonSecretField(crypto::SecretBuffer::CopyFrom(kRdsSecret), "passwd", "secret 'prod/orders'");
  EXPECT_EQ(value.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(value.status().message(), "secret 'prod/orders' has no field 'passwd'");
}

TEST(JsonFieldTest, OtherTypesAndDocumentsAreRefusedWithoutQuotingThem) {
  for (std::string_view field : {"engine", "tags", "list"}) {
    const std::string message = Field(kRdsSecret, field);
    EXPECT_TRUE(message.starts_with("error: secret 'prod/orders' has a field '" +
                                    std::string(field) + "' that is "))
        << message;
    EXPECT_EQ(message.find("CANARY"), std::string::npos) << message;
  }
  for (std::string_view secret :
       {"CANARY-plain-password", "[\"CANARY\"]", "\"CANARY\"", "{\"CANARY\": ", ""}) {
    const std::string message = Field(secret, "password");
    EXPECT_TRUE(
        message.starts_with("error: secret 'prod/orders' is not a JSON object, so it has "
                            "no field 'password'"))
        << message;
    EXPECT_EQ(message.find("CANARY"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace aurite::secrets
