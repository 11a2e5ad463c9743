// The audit log fails closed: when a record cannot be written (here: the
// disk is "full" through RLIMIT_FSIZE, which works unprivileged), what it
// would record -- securing, resolving, opening the store -- is refused with
// an error naming the audit log, no partial record is left in the file, and
// no credential is lost. Removals still go ahead.
//
// RLIMIT_FSIZE caps every file the process writes, the store's too. The store
// only writes near its start, so the audit log is first grown far past the
// store's size and the limit set at the log's end: only the log cannot grow.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "security/audit_log.h"
#include "security/security_manager.h"
#include "security/sqlite_store.h"
#include "store_test_support.h"
#include "test_support.h"

namespace aurite::security {
namespace {

using crypto::FernetKey;
using crypto::SecretBuffer;
using testing::kCanaryPassword;
using testing::ReadFile;
using testing::ScratchDir;

const std::string kAuditedConnection = "postgresql://app:" + kCanaryPassword + "@db.internal/prod";
constexpr std::string_view kAuditedType = "database_connection";

// While it lives, no file of this process may grow past `bytes`; writes past
// it fail with EFBIG (SIGXFSZ, which would kill the process, is ignored).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(std::uintmax_t bytes) {
    previous_signal_ = ::signal(SIGXFSZ, SIG_IGN);
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &previous_), 0);
    rlimit limited = previous_;
    limited.rlim_cur = bytes;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &previous_);
    ::signal(SIGXFSZ, previous_signal_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit previous_{};
  sighandler_t previous_signal_ = SIG_DFL;
};

class AuditFailureTest : public ::testing::Test {
 protected:
  std::unique_ptr<SecurityManager> MakeManager() {
    SecurityManagerOptions options;
    auto store = SqliteStore::Open(dir_ / "store.db", testing::Keys({&key_}));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    options.store = std::move(*store);
    auto log = AuditLog::Open(audit_path());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    options.audit_log = std::move(*log);
    StatusOr<std::unique_ptr<SecurityManager>> manager =
        SecurityManager::Create(std::move(options));
    if (!manager.ok()) {
      create_error_ = manager.status();
      return nullptr;
    }
    (*manager)->RegisterServerPermissions("sql", {std::string(kAuditedType)});
    return std::move(*manager);
  }

  // Appends records (as another writer would) until the log is far larger
  // than the store, and returns its size.
  std::uintmax_t GrowAuditLog() {
    auto other = AuditLog::Open(audit_path());
    EXPECT_TRUE(other.ok());
    while (std::filesystem::file_size(audit_path()) < 512 * 1024) {
      EXPECT_TRUE((*other)->Record({.event = "filler", .reason = std::string(400, 'f')}).ok());
    }
    return std::filesystem::file_size(audit_path());
  }

  std::filesystem::path audit_path() const { return dir_ / "audit.jsonl"; }

  static void ExpectRefusedForTheAuditLog(const Status& status) {
    EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
    EXPECT_NE(status.message().find("the audit log cannot be written"), std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find(std::filesystem::path("audit.jsonl").string()),
              std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find("File too large"), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find(kCanaryPassword), std::string::npos);
  }

  // The log ends with a complete record and its chain holds.
  void ExpectLogIntact() {
    std::string text = ReadFile(audit_path());
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n') << "the log ends in a partial record";
    StatusOr<AuditVerification> verified = VerifyAuditLog(audit_path());
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->intact) << "line " << verified->first_bad_line << ": "
                                  << verified->problem;
  }

  ScratchDir dir_;
  FernetKey key_ = FernetKey::Generate();
  Status create_error_;
};

TEST(AuditLogFailureTest, ARecordCutShortByAFullDiskIsRemovedAndTheChainGoesOn) {
  ScratchDir dir;
  auto log = AuditLog::Open(dir / "audit.jsonl");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const std::uintmax_t before = std::filesystem::file_size(dir / "audit.jsonl");
  {
    // Room for the start of a record, not all of it: write() stores part.
    FileSizeLimit limit(before + 40);
    Status recorded = (*log)->Record({.event = "secure", .credential_id = "cr_1"});
    ASSERT_FALSE(recorded.ok());
    EXPECT_NE(recorded.message().find("cannot append"), std::string::npos) << recorded.message();
  }
  EXPECT_EQ(std::filesystem::file_size(dir / "audit.jsonl"), before);
  ASSERT_TRUE((*log)->Record({.event = "secure", .credential_id = "cr_2"}).ok());
  StatusOr<AuditVerification> verified = VerifyAuditLog(dir / "audit.jsonl");
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
  EXPECT_EQ(verified->lines, 2u);
}

TEST(AuditLogFailureTest, ALogDeletedWhileOpenIsAnErrorNotASilentLoss) {
  ScratchDir dir;
  auto log = AuditLog::Open(dir / "audit.jsonl");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::filesystem::remove(dir / "audit.jsonl");
  Status recorded = (*log)->Record({.event = "secure", .credential_id = "cr_1"});
  ASSERT_FALSE(recorded.ok());
  EXPECT_NE(recorded.message().find("was deleted while in use"), std::string::npos)
      << recorded.message();
}

TEST_F(AuditFailureTest, SecureIsRefusedAndNothingIsStored) {
  auto manager = MakeManager();
  ASSERT_NE(manager, nullptr) << create_error_.ToString();
  auto kept = manager->Secure(kAuditedType, SecretBuffer::CopyFrom(kAuditedConnection));
  ASSERT_TRUE(kept.ok());
  const std::uintmax_t log_size = GrowAuditLog();
  {
    FileSizeLimit limit(log_size);
    StatusOr<SecuredCredential> refused =
        manager->Secure(kAuditedType, SecretBuffer::CopyFrom(kAuditedConnection));
    ASSERT_FALSE(refused.ok());
    ExpectRefusedForTheAuditLog(refused.status());
    EXPECT_NE(refused.status().message().find("refused to secure the credential"),
              std::string::npos)
        << refused.status().message();
  }
  EXPECT_EQ(std::filesystem::file_size(audit_path()), log_size);
  ExpectLogIntact();
  // Only the first credential is there, in memory and in the store.
  EXPECT_EQ(manager->List().size(), 1u);
  manager.reset();
  auto reopened = MakeManager();
  ASSERT_NE(reopened, nullptr) << create_error_.ToString();
  ASSERT_EQ(reopened->List().size(), 1u);
  EXPECT_EQ(reopened->List()[0].id, kept->credential_id);
}

TEST_F(AuditFailureTest, ResolveIsRefusedWithoutTheSecretAndTheCredentialSurvives) {
  auto manager = MakeManager();
  ASSERT_NE(manager, nullptr) << create_error_.ToString();
  auto secured = manager->Secure(kAuditedType, SecretBuffer::CopyFrom(kAuditedConnection),
                                 SecureOptions{.max_uses = 1});
  ASSERT_TRUE(secured.ok());
  const std::string token(secured->token.Reveal());
  const std::uintmax_t log_size = GrowAuditLog();
  {
    FileSizeLimit limit(log_size);
    StatusOr<ResolvedSecret> refused = manager->Resolve(token, "sql", kAuditedType);
    ASSERT_FALSE(refused.ok());
    ExpectRefusedForTheAuditLog(refused.status());
    EXPECT_EQ(refused.status().message().find(token), std::string::npos);
  }
  ExpectLogIntact();
  // The refused resolve did not use up the token's one use.
  ASSERT_EQ(manager->List().size(), 1u);
  EXPECT_EQ(manager->List()[0].uses, 0u);
  StatusOr<ResolvedSecret> resolved = manager->Resolve(token, "sql", kAuditedType);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->secret.Reveal(), kAuditedConnection);
}

TEST_F(AuditFailureTest, RevokingStillWorksWhenItCannotBeRecorded) {
  auto manager = MakeManager();
  ASSERT_NE(manager, nullptr) << create_error_.ToString();
  auto secured = manager->Secure(kAuditedType, SecretBuffer::CopyFrom(kAuditedConnection));
  ASSERT_TRUE(secured.ok());
  const std::string token(secured->token.Reveal());
  const std::uintmax_t log_size = GrowAuditLog();
  {
    FileSizeLimit limit(log_size);
    EXPECT_TRUE(manager->Revoke(token).ok());
  }
  ExpectLogIntact();
  EXPECT_TRUE(manager->List().empty());
  EXPECT_FALSE(manager->Resolve(token, "sql", kAuditedType).ok());
}

TEST_F(AuditFailureTest, TheStoreIsNotOpenedWhenThatCannotBeRecorded) {
  ASSERT_NE(MakeManager(), nullptr) << create_error_.ToString();
  const std::uintmax_t log_size = GrowAuditLog();
  {
    FileSizeLimit limit(log_size);
    EXPECT_EQ(MakeManager(), nullptr);
  }
  ExpectRefusedForTheAuditLog(create_error_);
  EXPECT_NE(create_error_.message().find("refused to open the store"), std::string::npos)
      << create_error_.message();
  ExpectLogIntact();
}

}  // namespace
}  // namespace aurite::security
