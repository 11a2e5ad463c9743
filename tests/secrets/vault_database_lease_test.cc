// Vault's answers to the database secrets engine's credentials read and to
// lease renewal: what is taken from them, the statuses they map to, and
// that no message quotes the password. The calls themselves run against
// tests/harness/vault-standin in tests/e2e/vault_credentials_e2e_test.cc.
#include "secrets/vault_database_lease.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::secrets {
namespace {

constexpr char kAddress[] = "http://127.0.0.1:8200";
constexpr char kPath[] = "database/creds/app";
constexpr char kLease[] = "database/creds/app/AbC123";

StatusOr<VaultDatabaseLogin> Login(const std::string& body, int status) {
  StatusOr<VaultDatabaseLogin> login =
      ParseVaultDatabaseLoginAnswer(crypto::SecretBuffer::CopyFrom(body), status, kPath, kAddress);
  if (!login.ok()) {
    EXPECT_EQ(login.status().message().find("CANARY"), std::string::npos)
        << login.status().message();
    EXPECT_NE(login.status().message().find(kPath), std::string::npos) << login.status().message();
  }
  return login;
}

StatusOr<VaultLeaseRenewal> Renewal(const std::string& body, int status) {
  return ParseVaultRenewalAnswer(crypto::SecretBuffer::CopyFrom(body), status, kLease, kAddress);
}

TEST(VaultDatabaseLeaseTest, ACredentialsAnswerGivesLeaseUserAndPassword) {
  StatusOr<VaultDatabaseLogin> login = Login(
      R"({"request_id":"r","lease_id":"database/creds/app/AbC123","renewable":true,
          "lease_duration":3600,"data":{"username":"v-token-app-x","password":"CANARY-pw"},
          "wrap_info":null,"warnings":null,"auth":null})",
      200);
  ASSERT_TRUE(login.ok()) << login.status().message();
  EXPECT_EQ(login->lease_id, kLease);
  EXPECT_EQ(login->lease_duration, std::chrono::seconds(3600));
  EXPECT_TRUE(login->renewable);
  EXPECT_EQ(login->username, "v-token-app-x");
  EXPECT_EQ(login->password.Reveal(), "CANARY-pw");
}

TEST(VaultDatabaseLeaseTest, AnswersThatAreNotALeasedLoginAreFailedPreconditions) {
  for (const char* body :
       {R"({"lease_id":"","lease_duration":60,"data":{"username":"u","password":"CANARY"}})",
        R"({"lease_id":"l","lease_duration":0,"data":{"username":"u","password":"CANARY"}})",
        R"({"lease_id":"l","lease_duration":60,"data":{"username":"u"}})",
        R"({"lease_id":"l","lease_duration":60,"data":{"password":"CANARY"}})",
        R"({"lease_id":"l","lease_duration":60,"data":{"username":"u","password":7}})",
        R"({"data":{"data":{"password":"CANARY"}}})", "not json CANARY"}) {
    StatusOr<VaultDatabaseLogin> login = Login(body, 200);
    ASSERT_EQ(login.status().code(), StatusCode::kFailedPrecondition) << body;
    EXPECT_NE(login.status().message().find("MOUNT/creds/ROLE"), std::string::npos);
  }
}

TEST(VaultDatabaseLeaseTest, VaultsErrorsMapToStatusesNamingPathAndAddress) {
  StatusOr<VaultDatabaseLogin> denied = Login(R"({"errors":["permission denied"]})", 403);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  StatusOr<VaultDatabaseLogin> sealed = Login(R"({"errors":["Vault is sealed"]})", 503);
  ASSERT_EQ(sealed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(sealed.status().message().find(kAddress), std::string::npos);
  EXPECT_NE(sealed.status().message().find("Vault is sealed"), std::string::npos);
  StatusOr<VaultDatabaseLogin> role = Login(R"({"errors":["unknown role: app"]})", 400);
  ASSERT_EQ(role.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(role.status().message().find("unknown role: app"), std::string::npos);
  EXPECT_EQ(Login(R"({"errors":[]})", 404).status().code(), StatusCode::kNotFound);
}

TEST(VaultDatabaseLeaseTest, ARenewalGivesTheGrantedDuration) {
  StatusOr<VaultLeaseRenewal> renewed = Renewal(
      R"({"lease_id":"database/creds/app/AbC123","renewable":true,"lease_duration":120,
          "warnings":["TTL of 3600s exceeded the effective max_ttl of 120s"]})",
      200);
  ASSERT_TRUE(renewed.ok()) << renewed.status().message();
  EXPECT_EQ(renewed->lease_duration, std::chrono::seconds(120));
  EXPECT_TRUE(renewed->renewable);
  EXPECT_EQ(Renewal(R"({"renewable":true})", 200).status().code(), StatusCode::kFailedPrecondition);
}

TEST(VaultDatabaseLeaseTest, ARenewalOfALeaseVaultNoLongerHoldsIsNotFound) {
  StatusOr<VaultLeaseRenewal> gone = Renewal(R"({"errors":["lease not found"]})", 400);
  ASSERT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_NE(gone.status().message().find(kLease), std::string::npos);
  EXPECT_NE(gone.status().message().find("revoked or has expired"), std::string::npos);
  EXPECT_NE(gone.status().message().find("lease not found"), std::string::npos);
  EXPECT_EQ(Renewal(R"({"errors":["permission denied"]})", 403).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Renewal(R"({"errors":["Vault is sealed"]})", 503).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace aurite::secrets
