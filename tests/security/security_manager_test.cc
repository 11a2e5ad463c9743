// Tests of the SecurityManager: the secure flow, permissions, lifetimes,
// persistence, concurrency, redaction, and that the canary never leaks.
#include "security/security_manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "security/sqlite_store.h"
#include "test_support.h"

namespace aurite::security {
namespace {

using crypto::FernetKey;
using crypto::SecretBuffer;
using testing::kCanaryPassword;
using testing::ReadFile;
using testing::ReadLines;
using testing::ScratchDir;

const std::string kConnection = "postgresql://app:" + kCanaryPassword + "@db.internal:5432/prod";
constexpr std::string_view kType = "database_connection";

class FakeClock {
 public:
  Clock AsClock() {
    return [this] { return now_.load(); };
  }
  void Advance(std::int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<std::int64_t> now_{1'700'000'000};
};

class SecurityManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<SecurityManager> MakeManager(
      bool persistent = false, std::chrono::seconds default_ttl = std::chrono::hours(1)) {
    SecurityManagerOptions options;
    options.default_ttl = default_ttl;
    options.clock = clock_.AsClock();
    if (persistent) {
      auto store = SqliteStore::Open(dir_ / "store.db", {.keys = [this](const crypto::KdfSalt&) {
                                       std::vector<FernetKey> keys;
                                       keys.push_back(key_.Clone());
                                       return StatusOr<std::vector<FernetKey>>(std::move(keys));
                                     }});
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      options.store = std::move(*store);
    }
    auto log = AuditLog::Open(audit_path());
    EXPECT_TRUE(log.ok());
    options.audit_log = std::move(*log);
    auto manager = SecurityManager::Create(std::move(options));
    EXPECT_TRUE(manager.ok()) << manager.status().ToString();
    (*manager)->RegisterServerPermissions("sql", {std::string(kType)});
    return std::move(*manager);
  }

  std::filesystem::path audit_path() const { return dir_ / "audit.jsonl"; }

  std::vector<nlohmann::json> AuditRecords() const {
    std::vector<nlohmann::json> records;
    for (const std::string& line : ReadLines(audit_path()))
      records.push_back(nlohmann::json::parse(line));
    return records;
  }

  ScratchDir dir_;
  FakeClock clock_;
  FernetKey key_ = FernetKey::Generate();
};

SecuredCredential SecureOrDie(SecurityManager& manager, std::string_view secret,
                              const SecureOptions& options = {}) {
  auto secured = manager.Secure(kType, SecretBuffer::CopyFrom(secret), options);
  EXPECT_TRUE(secured.ok()) << secured.status().ToString();
  return std::move(*secured);
}

TEST_F(SecurityManagerTest, SecureReturnsATokenAndTheMaskedForm) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, kConnection);
  EXPECT_TRUE(LooksLikeAccessToken(secured.token.Reveal()));
  EXPECT_EQ(secured.masked, "postgresql://app:****@db.internal:5432/prod");
  EXPECT_TRUE(secured.credential_id.starts_with("cred_"));
  EXPECT_EQ(secured.expires_at, 1'700'000'000 + 3600);
}

TEST_F(SecurityManagerTest, ResolveReturnsTheSecretToAPermittedServer) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, kConnection);
  auto resolved = manager->Resolve(secured.token.Reveal(), "sql", kType);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->secret.Reveal(), kConnection);
  EXPECT_EQ(resolved->credential_id, secured.credential_id);
}

TEST_F(SecurityManagerTest, SameSecretTwiceGetsDistinctIdsAndTokens) {
  auto manager = MakeManager();
  SecuredCredential first = SecureOrDie(*manager, kConnection);
  SecuredCredential second = SecureOrDie(*manager, kConnection);
  EXPECT_NE(first.credential_id, second.credential_id);
  EXPECT_FALSE(first.token.Equals(second.token));
}

TEST_F(SecurityManagerTest, UnknownRevokedExpiredAndUsedUpTokensFailIdentically) {
  auto manager = MakeManager();
  SecuredCredential revoked = SecureOrDie(*manager, kConnection);
  ASSERT_TRUE(manager->Revoke(revoked.token.Reveal()).ok());
  SecuredCredential expiring =
      SecureOrDie(*manager, kConnection, {.ttl = std::chrono::seconds(10)});
  SecuredCredential once = SecureOrDie(*manager, kConnection, {.max_uses = 1});
  ASSERT_TRUE(manager->Resolve(once.token.Reveal(), "sql", kType).ok());
  clock_.Advance(11);

  std::vector<Status> failures;
  failures.push_back(manager->Resolve("aurite_tk_" + std::string(43, 'x'), "sql", kType).status());
  failures.push_back(manager->Resolve(revoked.token.Reveal(), "sql", kType).status());
  failures.push_back(manager->Resolve(expiring.token.Reveal(), "sql", kType).status());
  failures.push_back(manager->Resolve(once.token.Reveal(), "sql", kType).status());
  for (const Status& failure : failures) {
    EXPECT_EQ(failure.code(), InvalidTokenError().code());
    EXPECT_EQ(failure.message(), InvalidTokenError().message());
  }
}

TEST_F(SecurityManagerTest, ServersArePermittedNothingByDefaultAndDenialsAreAudited) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, kConnection);
  auto denied = manager->Resolve(secured.token.Reveal(), "weather", kType);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  nlohmann::json last = AuditRecords().back();
  EXPECT_EQ(last["event"], "resolve_denied");
  EXPECT_EQ(last["server"], "weather");
  EXPECT_EQ(last["credential_id"], secured.credential_id);
  EXPECT_EQ(last["outcome"], "denied");
  EXPECT_EQ(last["reason"], "server not permitted for this credential type");
}

TEST_F(SecurityManagerTest, AServerMayResolveOnlyTheTypesItWasGranted) {
  auto manager = MakeManager();
  manager->RegisterServerPermissions("files", {"api_key"});
  SecuredCredential secured = SecureOrDie(*manager, kConnection);
  EXPECT_EQ(manager->Resolve(secured.token.Reveal(), "files", kType).status().code(),
            StatusCode::kPermissionDenied);
  // Asking for a type it holds, with a token of another type, is refused too.
  EXPECT_EQ(manager->Resolve(secured.token.Reveal(), "files", "api_key").status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(SecurityManagerTest, BoundTokensResolveOnlyForTheirServers) {
  auto manager = MakeManager();
  manager->RegisterServerPermissions("sql-2", {std::string(kType)});
  SecuredCredential secured = SecureOrDie(*manager, kConnection, {.bound_servers = {"sql"}});
  EXPECT_EQ(manager->Resolve(secured.token.Reveal(), "sql-2", kType).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
}

TEST_F(SecurityManagerTest, UseLimitIsEnforced) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, kConnection, {.max_uses = 2});
  EXPECT_TRUE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
  EXPECT_TRUE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
  EXPECT_FALSE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
  EXPECT_TRUE(manager->List().empty());
}

TEST_F(SecurityManagerTest, ZeroTtlMeansNoExpiry) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, kConnection, {.ttl = std::chrono::seconds(0)});
  EXPECT_FALSE(secured.expires_at.has_value());
  clock_.Advance(10 * 365 * 24 * 3600);
  EXPECT_TRUE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
}

TEST_F(SecurityManagerTest, DefaultTtlApplies) {
  auto manager = MakeManager(false, std::chrono::seconds(60));
  SecuredCredential secured = SecureOrDie(*manager, kConnection);
  clock_.Advance(59);
  EXPECT_TRUE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
  clock_.Advance(1);
  EXPECT_FALSE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
}

TEST_F(SecurityManagerTest, SweepPurgesExpiredCredentialsAndAuditsThem) {
  auto manager = MakeManager();
  SecureOrDie(*manager, kConnection, {.ttl = std::chrono::seconds(5)});
  SecureOrDie(*manager, kConnection, {.ttl = std::chrono::seconds(500)});
  clock_.Advance(6);
  EXPECT_EQ(manager->SweepExpired(), 1u);
  EXPECT_EQ(manager->List().size(), 1u);
  EXPECT_EQ(AuditRecords().back()["event"], "expire");
}

TEST_F(SecurityManagerTest, BackgroundSweeperPurgesExpiredCredentials) {
  auto manager = MakeManager();
  SecureOrDie(*manager, kConnection, {.ttl = std::chrono::seconds(5)});
  clock_.Advance(6);
  manager->StartSweeper(std::chrono::milliseconds(5));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool expired = false;
  while (!expired && std::chrono::steady_clock::now() < deadline) {
    for (const nlohmann::json& record : AuditRecords()) expired |= record["event"] == "expire";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(expired);
}

// The host's listener revokes the tokens a removed one's connections used:
// revoking from inside an announcement must neither deadlock nor lose the
// second announcement.
TEST_F(SecurityManagerTest, AListenerThatRevokesInTurnIsAnnouncedBothInOrder) {
  auto manager = MakeManager();
  SecuredCredential expiring = SecureOrDie(*manager, kConnection, {.ttl = std::chrono::seconds(5)});
  SecuredCredential follower = SecureOrDie(*manager, kConnection);
  std::vector<std::string> announced;
  manager->SetRemovalListener([&](const RemovedCredential& removed) {
    announced.push_back(removed.id);
    if (removed.id == expiring.credential_id) {
      EXPECT_TRUE(manager->Revoke(follower.token.Reveal()).ok());
    }
  });
  clock_.Advance(6);
  EXPECT_EQ(manager->SweepExpired(), 1u);
  EXPECT_EQ(announced, (std::vector<std::string>{expiring.credential_id, follower.credential_id}));
  EXPECT_TRUE(manager->List().empty());
}

TEST_F(SecurityManagerTest, PurgeAndPurgeAllRemoveCredentials) {
  auto manager = MakeManager();
  SecuredCredential a = SecureOrDie(*manager, kConnection);
  SecuredCredential b = SecureOrDie(*manager, kConnection);
  SecuredCredential c = SecureOrDie(*manager, kConnection);
  ASSERT_TRUE(manager->Purge(a.credential_id).ok());
  EXPECT_FALSE(manager->Resolve(a.token.Reveal(), "sql", kType).ok());
  EXPECT_EQ(manager->Purge(a.credential_id).code(), StatusCode::kNotFound);
  ASSERT_TRUE(manager->PurgeAll().ok());
  EXPECT_FALSE(manager->Resolve(b.token.Reveal(), "sql", kType).ok());
  EXPECT_FALSE(manager->Resolve(c.token.Reveal(), "sql", kType).ok());
  EXPECT_TRUE(manager->List().empty());
}

// Records every wiped block whose bytes were not all zero: none may exist.
std::atomic<int> dirty_wipes{0};
void CountDirtyWipes(const unsigned char* block, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    if (block[i] != 0) {
      ++dirty_wipes;
      return;
    }
  }
}

TEST_F(SecurityManagerTest, PurgingWipesTheSecretFromMemory) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, kConnection);
  std::atomic<int> before = 0;
  crypto::SetWipeObserverForTesting(CountDirtyWipes);
  before = dirty_wipes.load();
  ASSERT_TRUE(manager->Purge(secured.credential_id).ok());
  crypto::SetWipeObserverForTesting(nullptr);
  EXPECT_EQ(dirty_wipes.load(), before.load());
}

TEST_F(SecurityManagerTest, ListShowsMaskedEntriesOnly) {
  auto manager = MakeManager();
  SecuredCredential secured =
      SecureOrDie(*manager, kConnection, {.bound_servers = {"sql"}, .metadata = {{"env", "prod"}}});
  std::vector<CredentialSummary> list = manager->List();
  ASSERT_EQ(list.size(), 1u);
  const CredentialSummary& entry = list.front();
  EXPECT_EQ(entry.id, secured.credential_id);
  EXPECT_EQ(entry.type, kType);
  EXPECT_EQ(entry.masked, "postgresql://app:****@db.internal:5432/prod");
  EXPECT_EQ(entry.created_at, 1'700'000'000);
  EXPECT_EQ(entry.bound_servers, std::vector<std::string>{"sql"});
  EXPECT_EQ(entry.metadata.at("env"), "prod");
}

TEST_F(SecurityManagerTest, SecretsWithoutARecognisedPartAreMaskedWhole) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, "sk_live_abcdefghijklmnop");
  EXPECT_EQ(secured.masked, "****");
}

TEST_F(SecurityManagerTest, CanaryNeverAppearsInListAuditOrErrors) {
  auto manager = MakeManager(true);
  SecuredCredential secured = SecureOrDie(*manager, kConnection);
  std::vector<Status> errors = {
      manager->Resolve(secured.token.Reveal(), "weather", kType).status(),
      manager->Resolve(secured.token.Reveal(), "sql", "api_key").status(),
      manager->Resolve(kConnection, "sql", kType).status(),
      manager->Secure("bad type!", SecretBuffer::CopyFrom(kConnection)).status(),
      manager->Purge(kConnection),
  };
  ASSERT_TRUE(manager->Resolve(secured.token.Reveal(), "sql", kType).ok());
  ASSERT_TRUE(manager->Revoke(secured.token.Reveal()).ok());
  for (const Status& error : errors) {
    EXPECT_FALSE(error.ok());
    EXPECT_EQ(error.message().find("w/rd"), std::string::npos) << error.message();
    EXPECT_EQ(error.message().find(std::string(secured.token.Reveal())), std::string::npos);
  }
  std::string audit = ReadFile(audit_path());
  EXPECT_EQ(audit.find("w/rd"), std::string::npos);
  EXPECT_EQ(audit.find("aurite_tk_"), std::string::npos);
  for (const CredentialSummary& entry : manager->List()) {
    EXPECT_EQ(entry.masked.find("w/rd"), std::string::npos);
  }
}

TEST_F(SecurityManagerTest, TokensSurviveARestartWithTheSameKey) {
  std::string token;
  std::string id;
  {
    auto manager = MakeManager(true);
    SecuredCredential secured = SecureOrDie(*manager, kConnection, {.max_uses = 3});
    token = std::string(secured.token.Reveal());
    id = secured.credential_id;
    ASSERT_TRUE(manager->Resolve(token, "sql", kType).ok());
  }
  auto manager = MakeManager(true);
  auto resolved = manager->Resolve(token, "sql", kType);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->secret.Reveal(), kConnection);
  std::vector<CredentialSummary> list = manager->List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.front().id, id);
  EXPECT_EQ(list.front().uses, 2u);
}

TEST_F(SecurityManagerTest, ExpiredCredentialsArePurgedWhenTheStoreIsLoaded) {
  {
    auto manager = MakeManager(true);
    SecureOrDie(*manager, kConnection, {.ttl = std::chrono::seconds(5)});
  }
  clock_.Advance(10);
  auto manager = MakeManager(true);
  EXPECT_TRUE(manager->List().empty());
}

TEST_F(SecurityManagerTest, RevokedTokensStayRevokedAfterARestart) {
  std::string token;
  {
    auto manager = MakeManager(true);
    SecuredCredential secured = SecureOrDie(*manager, kConnection);
    token = std::string(secured.token.Reveal());
    ASSERT_TRUE(manager->Revoke(token).ok());
  }
  auto manager = MakeManager(true);
  EXPECT_EQ(manager->Resolve(token, "sql", kType).status().message(),
            InvalidTokenError().message());
}

TEST_F(SecurityManagerTest, KeyRotationKeepsTokensWorking) {
  std::string token;
  FernetKey new_key = FernetKey::Generate();
  {
    auto manager = MakeManager(true);
    token = std::string(SecureOrDie(*manager, kConnection).token.Reveal());
    ASSERT_TRUE(manager->RotateKey(new_key.Clone()).ok());
    EXPECT_EQ(AuditRecords().back()["event"], "key_rotation");
  }
  key_ = std::move(new_key);
  auto manager = MakeManager(true);
  EXPECT_TRUE(manager->Resolve(token, "sql", kType).ok());
}

TEST_F(SecurityManagerTest, RotateKeyNeedsAPersistentStore) {
  auto manager = MakeManager();
  EXPECT_EQ(manager->RotateKey(FernetKey::Generate()).code(), StatusCode::kFailedPrecondition);
}

TEST_F(SecurityManagerTest, RedactRemovesLiveSecretsAndForgetsPurgedOnes) {
  auto manager = MakeManager();
  SecuredCredential secured = SecureOrDie(*manager, "postgres://u:Sup3rS3cret@h/db");
  EXPECT_EQ(manager->Redact("error near Sup3rS3cret"), "error near [REDACTED]");
  ASSERT_TRUE(manager->Purge(secured.credential_id).ok());
  EXPECT_EQ(manager->Redact("error near Sup3rS3cret"), "error near Sup3rS3cret");
}

TEST_F(SecurityManagerTest, RejectsBadArguments) {
  auto manager = MakeManager();
  EXPECT_EQ(manager->Secure("", SecretBuffer::CopyFrom("x")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager->Secure(kType, SecretBuffer()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(manager->Secure(kType, SecretBuffer::CopyFrom("x"), {.ttl = std::chrono::seconds(-1)})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager->Secure(kType, SecretBuffer::CopyFrom("x"), {.max_uses = 0}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SecurityManagerTest, EightThreadsSecureAndResolveConcurrently) {
  auto manager = MakeManager();
  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        std::string secret =
            "postgres://u:pw-" + std::to_string(t) + "-" + std::to_string(i) + "@h/db";
        auto secured = manager->Secure(kType, SecretBuffer::CopyFrom(secret));
        if (!secured.ok()) {
          ++failures;
          continue;
        }
        auto resolved = manager->Resolve(secured->token.Reveal(), "sql", kType);
        if (!resolved.ok() || resolved->secret.Reveal() != secret) ++failures;
        if (i % 5 == 0 && manager->Redact(secret).find("pw-") != std::string::npos) ++failures;
        if (i % 2 == 0 && !manager->Revoke(secured->token.Reveal()).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(manager->List().size(), static_cast<std::size_t>(kThreads * kRounds / 2));
  auto verification = VerifyAuditLog(audit_path());
  ASSERT_TRUE(verification.ok());
  EXPECT_TRUE(verification->intact) << verification->problem;
}

}  // namespace
}  // namespace aurite::security
