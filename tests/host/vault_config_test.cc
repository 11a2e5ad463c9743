// security.vault: the block's keys over the VAULT_* variables, AppRole with
// role_id and secret_id from other references, one shared VaultClient made
// only when a ${vault:…} reference needs it (against
// tests/harness/vault-standin, a stand-in written from Vault's documented
// API), and the block's errors, each naming the key path and no value.
#include "host/vault_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "host/config.h"
#include "host/fake_environment.h"
#include "support/raw_http.h"
#include "support/vault_standin.h"

namespace aurite::host {
namespace {

using testing::VaultStandin;

// Every canary starts with "CANARY".
constexpr char kRoot[] = "CANARYhvs.config-root-1b7e";
constexpr char kRoleId[] = "CANARY-role-config-3a";
constexpr char kSecretId[] = "CANARY-secret-config-8c";
constexpr char kPassword[] = "CANARY-pw-config-f2";

VaultStandin& SharedVault() {
  static VaultStandin vault{kRoot, {"--approle", std::string(kRoleId) + ":" + kSecretId}};
  return vault;
}

class VaultConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(SharedVault().error(), "");
    const std::string answer =
        SharedVault().Put("secret/orders/db", std::string(R"({"password": ")") + kPassword + "\"}");
    ASSERT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
    // The real path: Vault through the configuration's own client.
    sources_.read_vault_secret = nullptr;
    fake_.variables["ROLE_ID"] = kRoleId;
    fake_.variables["SECRET_ID"] = kSecretId;
  }

  StatusOr<Config> Parse(const std::string& vault_block, const std::string& connection_string =
                                                             "${vault:secret/orders/db#password}") {
    const std::string text =
        (vault_block.empty() ? std::string("{")
                             : R"({"security": {"vault": )" + vault_block + "},") +
        R"("connections": {"orders": {"storage_type": "postgresql", "connection_string": ")" +
        connection_string + "\"}}}";
    StatusOr<Config> config = ParseConfig(text, "aurite.json", "/etc/aurite", sources_);
    if (!config.ok()) {
      EXPECT_EQ(config.status().message().find("CANARY"), std::string::npos)
          << config.status().message();
    }
    return config;
  }

  void ExpectError(const std::string& vault_block, std::string_view mentions) {
    StatusOr<Config> config = Parse(vault_block);
    ASSERT_FALSE(config.ok()) << vault_block;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << config.status().message();
    EXPECT_NE(config.status().message().find(mentions), std::string::npos)
        << config.status().message();
  }

  static std::string AppRoleBlock(const std::string& address) {
    return R"({"address": ")" + address +
           R"(", "auth": {"method": "approle", "role_id": "${env:ROLE_ID}",
                          "secret_id": "${env:SECRET_ID}"}})";
  }

  FakeEnvironment fake_;
  ReferenceSources sources_ = fake_.sources();
};

TEST_F(VaultConfigTest, AppRoleBlockReadsReferencesThroughOneSharedClient) {
  StatusOr<Config> config = Parse(AppRoleBlock(SharedVault().Url()),
                                  "postgresql://app:${vault:secret/orders/db#password}@db/"
                                  "${vault:secret/orders/db#password}");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->connections.at(0).connection_string.Reveal(),
            std::string("postgresql://app:") + kPassword + "@db/" + kPassword);
  ASSERT_NE(config->vault->made(), nullptr);  // kept for the host's other Vault users
  EXPECT_EQ(config->vault->made()->address(), SharedVault().Url());
  EXPECT_EQ(config->vault->Get()->get(), config->vault->made().get()) << "one client, not two";
}

TEST_F(VaultConfigTest, RefreshedReferenceReadsThroughTheClientAfterParsing) {
  StatusOr<Config> config =
      Parse(AppRoleBlock(SharedVault().Url()), "${vault(refresh=1s):secret/orders/db#password}");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const std::optional<SecretRefresh>& refresh = config->connections.at(0).refresh;
  ASSERT_TRUE(refresh.has_value());
  const std::string answer =
      SharedVault().Put("secret/orders/db", R"({"password": "CANARY-pw-config-rotated"})");
  ASSERT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  // The sources outlive ParseConfig: the SecretRefresher reads them later.
  StatusOr<ExpandedSecret> again =
      ExpandRefreshableSecretReferences(refresh->raw.Reveal(), refresh->sources);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->value.Reveal(), "CANARY-pw-config-rotated");
}

TEST_F(VaultConfigTest, BlockKeysWinOverTheVariables) {
  fake_.variables["VAULT_ADDR"] = "https://vault.invalid:8200";
  fake_.variables["VAULT_TOKEN"] = "CANARYhvs.not-this-one";
  fake_.variables["GOOD_TOKEN"] = kRoot;
  StatusOr<Config> config =
      Parse(R"({"address": ")" + SharedVault().Url() + R"(", "token": "${env:GOOD_TOKEN}"})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->connections.at(0).connection_string.Reveal(), kPassword);
}

TEST_F(VaultConfigTest, TokenFileAndNamespaceFromTheBlock) {
  const std::string answer =
      SharedVault().Put("secret/orders/db", R"({"password": "CANARY-team-a-pw"})", "team-a");
  ASSERT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  const std::filesystem::path sink =
      std::filesystem::temp_directory_path() / ("aurite-config-sink-" + std::to_string(::getpid()));
  std::ofstream(sink) << kRoot << "\n";
  fake_.variables["VAULT_NAMESPACE"] = "team-b";
  StatusOr<Config> config =
      Parse(R"({"address": ")" + SharedVault().Url() +
            R"(", "namespace": "team-a", "token_file": ")" + sink.string() + "\"}");
  std::filesystem::remove(sink);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->connections.at(0).connection_string.Reveal(), "CANARY-team-a-pw");
}

TEST_F(VaultConfigTest, WithoutABlockTheVariablesAsBefore) {
  fake_.variables["VAULT_ADDR"] = SharedVault().Url();
  fake_.variables["VAULT_TOKEN"] = kRoot;
  StatusOr<Config> config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->connections.at(0).connection_string.Reveal(), kPassword);
  EXPECT_NE(config->vault->made(), nullptr);
}

TEST_F(VaultConfigTest, NoVaultReferenceMakesNoClient) {
  StatusOr<Config> config = Parse(AppRoleBlock("https://vault.invalid:8200"), "sqlite:///x.db");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->vault->made(), nullptr);  // nothing was asked of the unreachable address
}

TEST_F(VaultConfigTest, WrongSecretIdIsAPermissionErrorWithoutTheIds) {
  fake_.variables["SECRET_ID"] = "CANARY-secret-wrong";
  StatusOr<Config> config = Parse(AppRoleBlock(SharedVault().Url()));
  ASSERT_EQ(config.status().code(), StatusCode::kPermissionDenied) << config.status().message();
  EXPECT_NE(config.status().message().find("connections.orders.connection_string"),
            std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("AppRole login"), std::string::npos)
      << config.status().message();
}

TEST_F(VaultConfigTest, NoTokenAnywhereNamesBothPlaces) {
  StatusOr<Config> config = Parse(R"({"address": ")" + SharedVault().Url() + "\"}");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("VAULT_TOKEN"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("security.vault: address, token"), std::string::npos)
      << config.status().message();
}

TEST_F(VaultConfigTest, BlockErrorsNameTheKeyAndNoValue) {
  ExpectError(R"({"adress": "https://vault:8200"})", "security.vault.adress: unknown key");
  ExpectError(R"({"address": "http://vault.internal:8200", "token": "CANARY-literal"})",
              "security.vault.address http://vault.internal:8200/ is plain http://");
  ExpectError(R"({"token": "${vault:secret/root#token}"})", "security.vault.token: ");
  ExpectError(R"({"token": "${vault:secret/root#token}"})", "cannot be used inside security.vault");
  ExpectError(R"({"auth": {"method": "approle", "secret_id": "CANARY-literal"}})",
              "security.vault.auth.role_id: expected a value");
  ExpectError(R"({"auth": {"role_id": "CANARY-a", "secret_id": "CANARY-b"}})",
              "security.vault.auth.method: expected \"approle\"");
  ExpectError(R"({"auth": {"method": "ldap", "role_id": "CANARY-a", "secret_id": "CANARY-b"}})",
              "security.vault.auth.method: expected \"approle\"");
  ExpectError(R"({"auth": {"method": "approle", "role_id": "CANARY-a", "secret_id": "CANARY-b",
                           "secret": "CANARY-c"}})",
              "security.vault.auth.secret: unknown key");
  ExpectError(R"({"token": "CANARY-a", "token_file": "/run/vault/token"})",
              "security.vault: expected at most one of token, token_file and auth");
  ExpectError(R"({"ca_cert": "/no/such/ca.pem"})", "security.vault.ca_cert: expected a readable");
  ExpectError(R"({"namespace": 7})", "security.vault.namespace: expected a string");
  ExpectError(R"("https://vault:8200")", "security.vault: expected an object");
}

}  // namespace
}  // namespace aurite::host
