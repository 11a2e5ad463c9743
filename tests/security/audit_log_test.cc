// Tests of the hash-chained audit log: records, fingerprints, tamper detection.
#include "security/audit_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "test_support.h"

namespace aurite::security {
namespace {

using testing::ReadLines;
using testing::ScratchDir;
using testing::WriteLines;

// A log with a header and three events.
std::filesystem::path WriteSampleLog(const ScratchDir& dir) {
  std::filesystem::path path = dir / "audit.jsonl";
  auto log = AuditLog::Open(path);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  TokenDigest digest = DigestAccessToken("aurite_tk_example");
  EXPECT_TRUE((*log)
                  ->Record({.event = "secure",
                            .credential_id = "cr_1",
                            .credential_type = "database_connection",
                            .token_digest = digest})
                  .ok());
  EXPECT_TRUE((*log)
                  ->Record({.event = "resolve",
                            .server_id = "sql",
                            .credential_id = "cr_1",
                            .credential_type = "database_connection",
                            .token_digest = digest})
                  .ok());
  EXPECT_TRUE((*log)
                  ->Record({.event = "resolve_denied",
                            .server_id = "other",
                            .credential_id = "cr_1",
                            .credential_type = "database_connection",
                            .token_digest = digest,
                            .outcome = "denied",
                            .reason = "server not permitted"})
                  .ok());
  return path;
}

TEST(AuditLogTest, WritesOneJsonRecordPerEventWithTheIssueFields) {
  ScratchDir dir;
  std::filesystem::path path = WriteSampleLog(dir);
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 4u);
  nlohmann::json denied = nlohmann::json::parse(lines[3]);
  EXPECT_EQ(denied["seq"], 4);
  EXPECT_EQ(denied["event"], "resolve_denied");
  EXPECT_EQ(denied["server"], "other");
  EXPECT_EQ(denied["credential_id"], "cr_1");
  EXPECT_EQ(denied["credential_type"], "database_connection");
  EXPECT_EQ(denied["outcome"], "denied");
  EXPECT_EQ(denied["reason"], "server not permitted");
  EXPECT_TRUE(denied["time"].is_string());
  EXPECT_TRUE(denied["token_fp"].get<std::string>().starts_with("hmac-sha256:"));
}

TEST(AuditLogTest, DatabaseUserEventsAddTheirFieldsAndOthersKeepTheirShape) {
  ScratchDir dir;
  std::filesystem::path path = dir / "audit.jsonl";
  auto log = AuditLog::Open(path);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)
                  ->Record({.event = AuditEventName(LeaseEvent::kRevokeFailed),
                            .connection = "or\"ders",
                            .user_name = "aurite_orders_x",
                            .lease_id = "0123456789abcdef0123456789abcdef",
                            .outcome = "error",
                            .reason = "connection refused"})
                  .ok());
  ASSERT_TRUE((*log)->Record({.event = "resolve", .server_id = "sql"}).ok());
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 3u);
  nlohmann::json lease = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(lease["event"], "lease_revoke_failed");
  EXPECT_EQ(lease["connection"], "or\"ders");
  EXPECT_EQ(lease["user_name"], "aurite_orders_x");
  EXPECT_EQ(lease["lease_id"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(lease["outcome"], "error");
  EXPECT_EQ(lease["reason"], "connection refused");
  nlohmann::json resolve = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(resolve.size(), 10u) << lines[2];
  EXPECT_FALSE(resolve.contains("connection"));
  ASSERT_TRUE(VerifyAuditLog(path).ok());
  EXPECT_TRUE(VerifyAuditLog(path)->intact);
}

TEST(AuditLogTest, EveryDatabaseUserEventHasItsName) {
  EXPECT_EQ(AuditEventName(LeaseEvent::kCreated), "lease_created");
  EXPECT_EQ(AuditEventName(LeaseEvent::kRenewed), "lease_renewed");
  EXPECT_EQ(AuditEventName(LeaseEvent::kRevoked), "lease_revoked");
  EXPECT_EQ(AuditEventName(LeaseEvent::kRevokeFailed), "lease_revoke_failed");
  EXPECT_EQ(AuditEventName(RotationEvent::kPending), "rotation_pending");
  EXPECT_EQ(AuditEventName(RotationEvent::kRotated), "password_rotated");
  EXPECT_EQ(AuditEventName(RotationEvent::kSettled), "rotation_settled");
}

TEST(AuditLogTest, FieldsWithQuotesAndControlCharactersStayValidJson) {
  ScratchDir dir;
  std::filesystem::path path = dir / "audit.jsonl";
  auto log = AuditLog::Open(path);
  ASSERT_TRUE(log.ok());
  std::string server = "we\"ird\\server\n\x01\xc3\xbc";
  ASSERT_TRUE((*log)->Record({.event = "resolve", .server_id = server}).ok());
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 2u);
  nlohmann::json record = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(record["server"], server);
  EXPECT_TRUE(record["credential_id"].is_null());
  StatusOr<AuditVerification> verified = VerifyAuditLog(path);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST(AuditLogTest, FileIsCreatedOwnerOnly) {
  ScratchDir dir;
  std::filesystem::path path = WriteSampleLog(dir);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST(AuditLogTest, FingerprintIsStableWithinALogAndDiffersAcrossLogs) {
  ScratchDir dir;
  TokenDigest digest = DigestAccessToken("aurite_tk_example");
  auto first = AuditLog::Open(dir / "a.jsonl");
  auto second = AuditLog::Open(dir / "b.jsonl");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ((*first)->Fingerprint(digest), (*first)->Fingerprint(digest));
  EXPECT_NE((*first)->Fingerprint(digest), (*second)->Fingerprint(digest));
  // Reopening keeps the salt, so fingerprints stay comparable across restarts.
  std::string before = (*first)->Fingerprint(digest);
  first->reset();
  auto reopened = AuditLog::Open(dir / "a.jsonl");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Fingerprint(digest), before);
}

TEST(AuditLogTest, RecordsNeverContainTheToken) {
  ScratchDir dir;
  std::string token = "aurite_tk_" + std::string(43, 'Z');
  auto log = AuditLog::Open(dir / "audit.jsonl");
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Record({.event = "resolve", .token_digest = DigestAccessToken(token)}).ok());
  EXPECT_EQ(testing::ReadFile(dir / "audit.jsonl").find("ZZZZZZZZ"), std::string::npos);
}

TEST(AuditLogTest, AnUntouchedLogVerifies) {
  ScratchDir dir;
  auto result = VerifyAuditLog(WriteSampleLog(dir));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->intact) << result->problem;
  EXPECT_EQ(result->lines, 4u);
}

TEST(AuditLogTest, ReopeningContinuesTheChain) {
  ScratchDir dir;
  std::filesystem::path path = WriteSampleLog(dir);
  auto log = AuditLog::Open(path);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Record({.event = "store_opened"}).ok());
  auto result = VerifyAuditLog(path);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->intact) << result->problem;
  EXPECT_EQ(result->lines, 5u);
}

TEST(AuditLogTest, TwoWritersInterleaveWithoutBreakingTheChain) {
  ScratchDir dir;
  std::filesystem::path path = dir / "audit.jsonl";
  auto first = AuditLog::Open(path);
  auto second = AuditLog::Open(path);
  ASSERT_TRUE(first.ok() && second.ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE((*first)->Record({.event = "resolve"}).ok());
    ASSERT_TRUE((*second)->Record({.event = "revoke"}).ok());
  }
  auto result = VerifyAuditLog(path);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->intact) << result->problem;
  EXPECT_EQ(result->lines, 11u);
}

TEST(AuditLogTest, ConcurrentThreadsKeepTheChainIntact) {
  ScratchDir dir;
  auto log = AuditLog::Open(dir / "audit.jsonl");
  ASSERT_TRUE(log.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) EXPECT_TRUE((*log)->Record({.event = "resolve"}).ok());
    });
  }
  for (std::thread& thread : threads) thread.join();
  auto result = VerifyAuditLog(dir / "audit.jsonl");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->intact) << result->problem;
  EXPECT_EQ(result->lines, 101u);
}

TEST(AuditLogTest, DetectsAChangedRecord) {
  ScratchDir dir;
  std::filesystem::path path = WriteSampleLog(dir);
  std::vector<std::string> lines = ReadLines(path);
  std::size_t at = lines[2].find("\"sql\"");
  lines[2].replace(at, 5, "\"sqx\"");
  WriteLines(path, lines);
  auto result = VerifyAuditLog(path);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->intact);
  // The changed line still looks fine; the next line's prev no longer matches.
  EXPECT_EQ(result->first_bad_line, 4u);
}

TEST(AuditLogTest, DetectsARemovedRecord) {
  ScratchDir dir;
  std::filesystem::path path = WriteSampleLog(dir);
  std::vector<std::string> lines = ReadLines(path);
  lines.erase(lines.begin() + 1);
  WriteLines(path, lines);
  auto result = VerifyAuditLog(path);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->intact);
  EXPECT_EQ(result->first_bad_line, 2u);
}

TEST(AuditLogTest, DetectsReorderedRecords) {
  ScratchDir dir;
  std::filesystem::path path = WriteSampleLog(dir);
  std::vector<std::string> lines = ReadLines(path);
  std::swap(lines[1], lines[2]);
  WriteLines(path, lines);
  auto result = VerifyAuditLog(path);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->intact);
  EXPECT_EQ(result->first_bad_line, 2u);
}

TEST(AuditLogTest, DetectsARemovedFirstRecord) {
  ScratchDir dir;
  std::filesystem::path path = WriteSampleLog(dir);
  std::vector<std::string> lines = ReadLines(path);
  lines.erase(lines.begin());
  WriteLines(path, lines);
  auto result = VerifyAuditLog(path);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->intact);
  EXPECT_EQ(result->first_bad_line, 1u);
}

TEST(AuditLogTest, MissingFileIsAnError) {
  ScratchDir dir;
  EXPECT_FALSE(VerifyAuditLog(dir / "nope.jsonl").ok());
}

}  // namespace
}  // namespace aurite::security
