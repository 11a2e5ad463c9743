// VaultClient's authentication against tests/harness/vault-standin (written
// from Vault's documented token and AppRole API; no Vault server can be
// installed here): AppRole login, renewal of a short-lived token on demand
// and in the background, a new AppRole login once the max TTL is reached,
// a token file read again after an agent replaced its token, an expired
// token and a wrong secret_id as clear errors; and canaries: no token,
// role_id or secret_id in any error message or log line.
#include "secrets/vault_client.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "credentials/test_environment.h"
#include "runtime/spdlog_logger.h"
#include "secrets/vault_secret_reference.h"
#include "support/raw_http.h"
#include "support/vault_standin.h"

namespace aurite::secrets {
namespace {

using credentials::ExpectNoCanary;
using testing::VaultStandin;
using namespace std::chrono_literals;

// Every canary starts with "CANARY".
constexpr char kRoot[] = "CANARYhvs.root-4d1c";
constexpr char kShortLived[] = "CANARYhvs.short-9b02";
constexpr char kReplacement[] = "CANARYhvs.next-31e7";
constexpr char kRoleId[] = "CANARY-role-5e0b";
constexpr char kSecretId[] = "CANARY-secret-77aa";
constexpr char kPassword[] = "CANARY-pw-c4f1";
constexpr char kSecret[] = "secret/orders/db#password";

// Every line the log writes while it lives, at debug level and up.
class CapturedLog {
 public:
  CapturedLog() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)) {
    spdlog::logger& log = runtime::Logger();
    saved_level_ = log.level();
    log.sinks().push_back(sink_);
    log.set_level(spdlog::level::debug);
  }
  ~CapturedLog() {
    spdlog::logger& log = runtime::Logger();
    log.sinks().pop_back();
    log.set_level(saved_level_);
  }
  std::string Text() {
    sink_->flush();
    return stream_.str();
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  spdlog::level::level_enum saved_level_;
};

// A stand-in with `options` that holds kSecret.
std::unique_ptr<VaultStandin> StartVault(const std::vector<std::string>& options) {
  auto vault = std::make_unique<VaultStandin>(kRoot, options);
  if (!vault->error().empty()) return vault;
  const std::string answer =
      vault->Put("secret/orders/db", std::string(R"({"password": ")") + kPassword + "\"}");
  EXPECT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  return vault;
}

std::shared_ptr<VaultClient> Client(const VaultStandin& vault, VaultAuth auth) {
  VaultConnection connection;
  connection.address = *ParseVaultAddress(vault.Url(), "the stand-in");
  connection.auth = std::move(auth);
  credentials::HttpRequestOptions options;
  options.connect_timeout = 2000ms;
  options.exchange_timeout = 5000ms;
  return std::make_shared<VaultClient>(std::move(connection), options);
}

VaultAuth TokenAuth(std::string_view token) {
  VaultAuth auth;
  auth.token = crypto::SecretBuffer::CopyFrom(token);
  return auth;
}

VaultAuth AppRoleAuth(std::string_view secret_id) {
  VaultAuth auth;
  auth.method = VaultAuth::Method::kAppRole;
  auth.role_id = crypto::SecretBuffer::CopyFrom(kRoleId);
  auth.secret_id = crypto::SecretBuffer::CopyFrom(secret_id);
  return auth;
}

std::string AppRoleOption() { return std::string(kRoleId) + ":" + kSecretId; }

// Reads kSecret every half second for `how_long`; all must succeed.
void ReadRepeatedly(VaultClient& client, std::chrono::milliseconds how_long) {
  const auto end = std::chrono::steady_clock::now() + how_long;
  int reads = 0;
  while (std::chrono::steady_clock::now() < end) {
    StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(kSecret, client);
    ASSERT_TRUE(value.ok()) << "read " << reads << ": " << value.status().message();
    EXPECT_EQ(value->Reveal(), kPassword);
    ++reads;
    std::this_thread::sleep_for(500ms);
  }
}

void ExpectNoCanaryIn(const std::string& log) {
  EXPECT_EQ(log.find("CANARY"), std::string::npos) << log;
}

TEST(VaultClientTest, AppRoleLogsInAndReadsASecret) {
  CapturedLog log;
  auto vault = StartVault({"--approle", AppRoleOption()});
  ASSERT_EQ(vault->error(), "");
  auto client = Client(*vault, AppRoleAuth(kSecretId));
  StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(kSecret, *client);
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->Reveal(), kPassword);
  client.reset();
  ExpectNoCanaryIn(log.Text());
}

TEST(VaultClientTest, WrongSecretIdIsAClearPermissionError) {
  CapturedLog log;
  auto vault = StartVault({"--approle", AppRoleOption()});
  ASSERT_EQ(vault->error(), "");
  auto client = Client(*vault, AppRoleAuth("CANARY-secret-wrong"));
  StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(kSecret, *client);
  ASSERT_EQ(value.status().code(), StatusCode::kPermissionDenied) << value.status().message();
  const std::string message = value.status().message();
  EXPECT_NE(message.find("AppRole login"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid role or secret ID"), std::string::npos) << message;
  EXPECT_NE(message.find("secret_id"), std::string::npos) << message;
  ExpectNoCanary(value.status());
  client.reset();
  ExpectNoCanaryIn(log.Text());
}

TEST(VaultClientTest, AShortLivedTokenIsRenewedAndReadsGoOnPastItsTtl) {
  CapturedLog log;
  auto vault = StartVault({"--ttl-token", kShortLived, "--token-ttl", "3"});
  ASSERT_EQ(vault->error(), "");
  auto client = Client(*vault, TokenAuth(kShortLived));
  ReadRepeatedly(*client, 5s);  // without renewal it is gone after 3 s
  client.reset();
  const std::string text = log.Text();
  EXPECT_EQ(text.find("could not be renewed"), std::string::npos) << text;
  ExpectNoCanaryIn(text);
}

TEST(VaultClientTest, AnIdleTokenIsRenewedInTheBackground) {
  auto vault = StartVault({"--ttl-token", kShortLived, "--token-ttl", "3"});
  ASSERT_EQ(vault->error(), "");
  auto client = Client(*vault, TokenAuth(kShortLived));
  ASSERT_TRUE(ReadVaultSecret(kSecret, *client).ok());
  std::this_thread::sleep_for(5s);  // no request: only the renewal thread keeps it alive
  StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(kSecret, *client);
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->Reveal(), kPassword);
}

TEST(VaultClientTest, AppRoleLogsInAgainOnceTheMaxTtlIsReached) {
  CapturedLog log;
  auto vault =
      StartVault({"--approle", AppRoleOption(), "--token-ttl", "2", "--token-max-ttl", "3"});
  ASSERT_EQ(vault->error(), "");
  auto client = Client(*vault, AppRoleAuth(kSecretId));
  ReadRepeatedly(*client, 7s);  // each token is gone after 3 s
  client.reset();
  ExpectNoCanaryIn(log.Text());
}

TEST(VaultClientTest, ATokenFileIsReadAgainWhenVaultRefusesItsOldToken) {
  CapturedLog log;
  auto vault = StartVault({"--ttl-token", kShortLived, "--ttl-token", kReplacement});
  ASSERT_EQ(vault->error(), "");
  const std::filesystem::path sink =
      std::filesystem::temp_directory_path() / ("aurite-vault-sink-" + std::to_string(::getpid()));
  std::ofstream(sink) << kShortLived << "\n";
  VaultAuth auth;
  auth.method = VaultAuth::Method::kTokenFile;
  auth.token_file = sink.string();
  auth.token = crypto::SecretBuffer::CopyFrom(kShortLived);
  auto client = Client(*vault, std::move(auth));
  ASSERT_TRUE(ReadVaultSecret(kSecret, *client).ok());

  // An agent replaces the token: the old one is revoked, the file rewritten.
  ASSERT_EQ(vault->Revoke(kShortLived), 204);
  std::ofstream(sink) << kReplacement << "\n";
  StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(kSecret, *client);
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->Reveal(), kPassword);

  // Revoked while the file still holds it: Vault's refusal, not a retry loop.
  ASSERT_EQ(vault->Revoke(kReplacement), 204);
  StatusOr<crypto::SecretBuffer> refused = ReadVaultSecret(kSecret, *client);
  std::filesystem::remove(sink);
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << refused.status().message();
  ExpectNoCanary(refused.status());
  client.reset();
  ExpectNoCanaryIn(log.Text());
}

TEST(VaultClientTest, AnExpiredTokenIsAClearErrorAndWarnedOfBefore) {
  CapturedLog log;
  auto vault = StartVault({"--ttl-token", kShortLived, "--token-ttl", "2", "--token-max-ttl", "2"});
  ASSERT_EQ(vault->error(), "");
  auto client = Client(*vault, TokenAuth(kShortLived));
  ASSERT_TRUE(ReadVaultSecret(kSecret, *client).ok());
  std::this_thread::sleep_for(3s);
  StatusOr<crypto::SecretBuffer> value = ReadVaultSecret(kSecret, *client);
  ASSERT_EQ(value.status().code(), StatusCode::kUnauthenticated) << value.status().message();
  const std::string message = value.status().message();
  EXPECT_NE(message.find("has expired"), std::string::npos) << message;
  EXPECT_NE(message.find(vault->Url()), std::string::npos) << message;
  EXPECT_NE(message.find("VAULT_TOKEN"), std::string::npos) << message;
  ExpectNoCanary(value.status());
  client.reset();
  const std::string text = log.Text();
  EXPECT_NE(text.find("could not be renewed"), std::string::npos) << text;
  EXPECT_NE(text.find(vault->Url()), std::string::npos) << text;
  ExpectNoCanaryIn(text);
}

}  // namespace
}  // namespace aurite::secrets
