// ${vault:MOUNT/PATH#FIELD} end to end against tests/harness/vault-standin
// (a stand-in written from Vault's documented KV v2 HTTP API; no Vault
// server can be installed here): fields, versions, an update seen by the
// next read, namespaces, the token from a file, and every failure the
// brief names (missing secret or field, wrong token, unreachable address,
// VAULT_ADDR unset, plain http to another host), with canaries for the
// token and the secret that no error message may contain. Then the
// reference's syntax, which needs no server.
#include "secrets/vault_secret_reference.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "credentials/test_environment.h"
#include "secrets/vault_connection.h"
#include "support/raw_http.h"
#include "support/vault_standin.h"

namespace aurite::secrets {
namespace {

using credentials::ExpectNoCanary;
using credentials::MapEnvironment;
using credentials::Variables;
using testing::VaultStandin;

// ExpectNoCanary looks for "CANARY" in every message.
constexpr std::string_view kVaultCanaryPassword = "CANARY-pw/9f\"Xq}#{";
constexpr std::string_view kToken = "CANARYhvs.root-token-4f9a";

// A client for the VAULT_* variables of `environment`, then the read.
StatusOr<crypto::SecretBuffer> ReadVaultSecret(std::string_view text,
                                               const crypto::EnvironmentLookup& environment,
                                               credentials::HttpRequestOptions options = {}) {
  AURITE_ASSIGN_OR_RETURN(VaultConnection connection, LoadVaultConnection(environment));
  options.ca_file = connection.ca_file;
  VaultClient vault(std::move(connection), std::move(options));
  return secrets::ReadVaultSecret(text, vault);
}

VaultStandin& SharedVault() {
  static VaultStandin vault{std::string(kToken)};
  return vault;
}

class VaultSecretReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(SharedVault().error(), ""); }

  static void Put(const std::string& secret, const std::string& data_json,
                  const std::string& name_space = "") {
    const std::string answer = SharedVault().Put(secret, data_json, name_space);
    ASSERT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  }

  // The variables of a working set-up, with `extra` on top.
  static Variables Environment(Variables extra = {}) {
    Variables variables{{"VAULT_ADDR", SharedVault().Url()}, {"VAULT_TOKEN", std::string(kToken)}};
    for (auto& [name, value] : extra) variables[name] = value;
    return variables;
  }

  static StatusOr<crypto::SecretBuffer> Read(const std::string& text, Variables extra = {}) {
    credentials::HttpRequestOptions options;
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.exchange_timeout = std::chrono::milliseconds(5000);
    StatusOr<crypto::SecretBuffer> value =
        ReadVaultSecret(text, MapEnvironment(Environment(std::move(extra))), options);
    if (!value.ok()) ExpectNoCanary(value.status());
    return value;
  }

  static std::string PasswordJson() {
    return R"({"username": "orders_app", "password": "CANARY-pw/9f\"Xq}#{", "port": 5432})";
  }
};

TEST_F(VaultSecretReferenceTest, ReadsAField) {
  Put("secret/orders/db", PasswordJson());
  StatusOr<crypto::SecretBuffer> password = Read("secret/orders/db#password");
  ASSERT_TRUE(password.ok()) << password.status().message();
  EXPECT_EQ(password->Reveal(), kVaultCanaryPassword);
  StatusOr<crypto::SecretBuffer> port = Read("secret/orders/db#port");
  ASSERT_TRUE(port.ok()) << port.status().message();
  EXPECT_EQ(port->Reveal(), "5432");
}

TEST_F(VaultSecretReferenceTest, ReadsAVersion) {
  Put("secret/versioned", R"({"password": "first"})");
  Put("secret/versioned", R"({"password": "second"})");
  StatusOr<crypto::SecretBuffer> first = Read("secret/versioned?version=1#password");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->Reveal(), "first");
  StatusOr<crypto::SecretBuffer> latest = Read("secret/versioned#password");
  ASSERT_TRUE(latest.ok()) << latest.status().message();
  EXPECT_EQ(latest->Reveal(), "second");
  StatusOr<crypto::SecretBuffer> missing = Read("secret/versioned?version=9#password");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().message();
}

TEST_F(VaultSecretReferenceTest, AnUpdateIsSeenByTheNextRead) {
  Put("secret/rotating", R"({"password": "before"})");
  StatusOr<crypto::SecretBuffer> before = Read("secret/rotating#password");
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(before->Reveal(), "before");
  Put("secret/rotating", R"({"password": "after"})");
  StatusOr<crypto::SecretBuffer> after = Read("secret/rotating#password");
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(after->Reveal(), "after");
}

TEST_F(VaultSecretReferenceTest, NamespaceSelectsItsOwnSecrets) {
  Put("secret/shared", R"({"password": "root-ns"})");
  Put("secret/shared", R"({"password": "team-ns"})", "team-a");
  StatusOr<crypto::SecretBuffer> team =
      Read("secret/shared#password", {{"VAULT_NAMESPACE", "team-a"}});
  ASSERT_TRUE(team.ok()) << team.status().message();
  EXPECT_EQ(team->Reveal(), "team-ns");
  StatusOr<crypto::SecretBuffer> root = Read("secret/shared#password");
  ASSERT_TRUE(root.ok()) << root.status().message();
  EXPECT_EQ(root->Reveal(), "root-ns");
  StatusOr<crypto::SecretBuffer> other =
      Read("secret/shared#password", {{"VAULT_NAMESPACE", "team-b"}});
  EXPECT_EQ(other.status().code(), StatusCode::kNotFound) << other.status().message();
}

TEST_F(VaultSecretReferenceTest, WithoutAFieldTheOnlyFieldOrAnError) {
  Put("secret/single", R"({"token": "CANARY-only"})");
  StatusOr<crypto::SecretBuffer> only = Read("secret/single");
  ASSERT_TRUE(only.ok()) << only.status().message();
  EXPECT_EQ(only->Reveal(), "CANARY-only");
  Put("secret/orders/db", PasswordJson());
  StatusOr<crypto::SecretBuffer> several = Read("secret/orders/db");
  ASSERT_EQ(several.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(several.status().message().find("'password'"), std::string::npos)
      << several.status().message();
  EXPECT_NE(several.status().message().find("#FIELD"), std::string::npos);
}

TEST_F(VaultSecretReferenceTest, MissingSecretIsNotFoundNamingIt) {
  StatusOr<crypto::SecretBuffer> value = Read("secret/no/such/thing#password");
  ASSERT_EQ(value.status().code(), StatusCode::kNotFound) << value.status().message();
  EXPECT_NE(value.status().message().find("secret/no/such/thing#password"), std::string::npos)
      << value.status().message();
  StatusOr<crypto::SecretBuffer> mount = Read("unmounted/app#password");
  EXPECT_EQ(mount.status().code(), StatusCode::kNotFound) << mount.status().message();
  EXPECT_NE(mount.status().message().find("no handler for route"), std::string::npos)
      << mount.status().message();
}

TEST_F(VaultSecretReferenceTest, MissingFieldIsNotFoundNamingIt) {
  Put("secret/orders/db", PasswordJson());
  StatusOr<crypto::SecretBuffer> value = Read("secret/orders/db#passwd");
  ASSERT_EQ(value.status().code(), StatusCode::kNotFound) << value.status().message();
  EXPECT_NE(value.status().message().find("'passwd'"), std::string::npos)
      << value.status().message();
}

TEST_F(VaultSecretReferenceTest, WrongTokenIsPermissionDenied) {
  Put("secret/orders/db", PasswordJson());
  StatusOr<crypto::SecretBuffer> value =
      Read("secret/orders/db#password", {{"VAULT_TOKEN", "CANARYhvs.wrong"}});
  ASSERT_EQ(value.status().code(), StatusCode::kPermissionDenied) << value.status().message();
  EXPECT_NE(value.status().message().find("permission denied"), std::string::npos);
  EXPECT_NE(value.status().message().find("secret/orders/db#password"), std::string::npos);
}

TEST_F(VaultSecretReferenceTest, UnreachableAddressIsUnavailableNamingIt) {
  std::uint16_t closed_port = 0;
  {
    VaultStandin gone("t");  // a port that listened a moment ago
    ASSERT_EQ(gone.error(), "");
    closed_port = gone.port();
  }
  const std::string address = "http://127.0.0.1:" + std::to_string(closed_port);
  StatusOr<crypto::SecretBuffer> value =
      Read("secret/orders/db#password", {{"VAULT_ADDR", address}});
  ASSERT_EQ(value.status().code(), StatusCode::kUnavailable) << value.status().message();
  EXPECT_NE(value.status().message().find(address), std::string::npos) << value.status().message();
}

TEST_F(VaultSecretReferenceTest, UnsetAddressIsAnErrorNamingTheVariable) {
  StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(
      "secret/orders/db#password", MapEnvironment({{"VAULT_TOKEN", std::string(kToken)}}));
  ASSERT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(value.status().message().find("VAULT_ADDR"), std::string::npos);
  ExpectNoCanary(value.status());
  StatusOr<crypto::SecretBuffer> no_token = ReadVaultSecret(
      "secret/orders/db#password", MapEnvironment({{"VAULT_ADDR", SharedVault().Url()}}));
  ASSERT_EQ(no_token.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_token.status().message().find("VAULT_TOKEN_FILE"), std::string::npos);
}

TEST_F(VaultSecretReferenceTest, PlainHttpOnlyToLoopback) {
  for (const char* address :
       {"http://vault.internal:8200", "http://10.0.0.5:8200", "http://[fe80::1]:8200"}) {
    StatusOr<crypto::SecretBuffer> value =
        Read("secret/orders/db#password", {{"VAULT_ADDR", address}});
    ASSERT_EQ(value.status().code(), StatusCode::kInvalidArgument) << address;
    EXPECT_NE(value.status().message().find("use https://"), std::string::npos)
        << value.status().message();
  }
  for (const char* host : {"127.0.0.1", "127.8.9.10", "::1", "localhost", "LocalHost"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"128.0.0.1", "::2", "localhost.example.com", "10.127.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST_F(VaultSecretReferenceTest, TokenFromAFileLikeAnAgentSink) {
  Put("secret/orders/db", PasswordJson());
  const std::filesystem::path sink =
      std::filesystem::temp_directory_path() / ("aurite-vault-token-" + std::to_string(::getpid()));
  std::ofstream(sink) << kToken << "\n";
  StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(
      "secret/orders/db#password",
      MapEnvironment({{"VAULT_ADDR", SharedVault().Url()}, {"VAULT_TOKEN_FILE", sink.string()}}));
  std::filesystem::remove(sink);
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->Reveal(), kVaultCanaryPassword);
  StatusOr<crypto::SecretBuffer> gone = ReadVaultSecret(
      "secret/orders/db#password",
      MapEnvironment({{"VAULT_ADDR", SharedVault().Url()}, {"VAULT_TOKEN_FILE", sink.string()}}));
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound) << gone.status().message();
}

TEST(VaultSecretReferenceSyntaxTest, SplitsMountPathVersionAndField) {
  StatusOr<VaultSecretReference> plain = ParseVaultSecretReference("secret/app");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->mount, "secret");
  EXPECT_EQ(plain->path, "app");
  EXPECT_FALSE(plain->field);
  EXPECT_FALSE(plain->version);
  StatusOr<VaultSecretReference> full =
      ParseVaultSecretReference("kv/team/orders/db?version=12#pass?word#2");
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->mount, "kv");
  EXPECT_EQ(full->path, "team/orders/db");
  EXPECT_EQ(full->field, "pass?word#2");
  EXPECT_EQ(full->version, 12u);
  EXPECT_EQ(full->Describe(), "kv/team/orders/db#pass?word#2 (version 12)");
}

TEST(VaultSecretReferenceSyntaxTest, RejectsMalformedReferences) {
  for (const char* text :
       {"", "secret", "secret/", "/app", "secret//app", "secret/../sys", "secret/a b",
        "secret/app#", "secret/app?version=0", "secret/app?version=x", "secret/app?ver=1",
        "secret/app?version=1&x=2", "secret/app%2F#password"}) {
    StatusOr<VaultSecretReference> reference = ParseVaultSecretReference(text);
    EXPECT_EQ(reference.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(reference.status().message().find("${vault:MOUNT/PATH#FIELD}"), std::string::npos)
        << reference.status().message();
  }
}

}  // namespace
}  // namespace aurite::secrets
