// End-to-end fault injection on the gateway's store and audit log (SQLite
// only): a full disk under a running gateway (RLIMIT_FSIZE set on it from
// outside with prlimit(2), which works unprivileged, unlike mounting a small
// tmpfs, and binds root, unlike a read-only directory), a store whose write
// lock another process holds, and store files that were truncated or
// corrupted before it started. The gateway fails closed --
// nothing is secured or resolved without its audit record -- keeps serving
// what needs no new record, never loses a credential and never leaves a
// partial record; a store it cannot trust stops start-up with a clear error
// and is left as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include "gateway_process.h"
#include "security/audit_log.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

class StoreFaultsTest : public GatewayTestBase {
 protected:
  std::filesystem::path audit_path() const { return dir_ / "audit.jsonl"; }

  // Grows the audit log (as another writer would) far past what the store
  // and the host log reach in a test, so a file size limit at the log's end
  // stops only the log; returns its size.
  std::uintmax_t GrowAuditLog() {
    auto log = security::AuditLog::Open(audit_path());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    if (!log.ok()) return 0;
    while (std::filesystem::file_size(audit_path()) < 2 * 1024 * 1024) {
      EXPECT_TRUE((*log)->Record({.event = "filler", .reason = std::string(1000, 'f')}).ok());
    }
    return std::filesystem::file_size(audit_path());
  }

  // Sets the soft RLIMIT_FSIZE of the running gateway.
  static void LimitFileSize(pid_t gateway, rlim_t bytes) {
    rlimit limit{};
    ASSERT_EQ(::prlimit(gateway, RLIMIT_FSIZE, nullptr, &limit), 0);
    limit.rlim_cur = bytes;
    ASSERT_EQ(::prlimit(gateway, RLIMIT_FSIZE, &limit, nullptr), 0);
  }

  void ExpectAuditLogIntact() {
    const std::string text = ReadFile(audit_path());
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n') << "the audit log ends in a partial record";
    StatusOr<security::AuditVerification> verified = security::VerifyAuditLog(audit_path());
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->intact) << "line " << verified->first_bad_line << ": "
                                  << verified->problem;
  }

  // A store holding one credential, made by a gateway that then stopped.
  void MakeStore() {
    auto gateway = StartGateway(BaseConfig(dir_));
    ASSERT_NE(gateway, nullptr);
    Json secured = Structured(
        gateway->Call("secure_database_connection", {{"connection_string", SampleDatabase()}}));
    ASSERT_TRUE(secured.contains("token")) << secured.dump();
    EXPECT_EQ(gateway->Stop(), 0);
  }

  // Starting on the store fails, naming it and `problem`; its bytes stay.
  void ExpectStartRefused(const std::string& problem) {
    const std::string before = ReadFile(dir_ / "store.db");
    FailedStart start = RunServeExpectingFailure(dir_, BaseConfig(dir_).dump(), key_);
    EXPECT_FALSE(start.became_ready) << start.stderr_text;
    EXPECT_NE(start.stderr_text.find((dir_ / "store.db").string()), std::string::npos)
        << start.stderr_text;
    EXPECT_NE(start.stderr_text.find(problem), std::string::npos) << start.stderr_text;
    EXPECT_TRUE(ReadFile(dir_ / "store.db") == before) << "the store was changed";
  }
};

TEST_F(StoreFaultsTest, AFullDiskRefusesWhatCannotBeAuditedAndKeepsServingTheRest) {
  const std::string database = SampleDatabase();
  const std::uintmax_t log_size = GrowAuditLog();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  Json secured =
      Structured(gateway->Call("secure_database_connection", {{"connection_string", database}}));
  const std::string token = secured.value("token", "");
  ASSERT_FALSE(token.empty()) << secured.dump();
  Json opened = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", secured["token"]}}));
  const std::string id = opened.value("connection_id", "");
  ASSERT_FALSE(id.empty()) << opened.dump();

  LimitFileSize(gateway->pid(), ReadFile(audit_path()).size());
  // Securing and resolving need a record: refused, naming the audit log.
  const std::string not_secured =
      ErrorText(gateway->Call("secure_database_connection", {{"connection_string", database}}));
  EXPECT_NE(not_secured.find("the audit log cannot be written"), std::string::npos) << not_secured;
  EXPECT_NE(not_secured.find(audit_path().string()), std::string::npos) << not_secured;
  const std::string not_resolved = ErrorText(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}}));
  EXPECT_NE(not_resolved.find("the audit log cannot be written"), std::string::npos)
      << not_resolved;
  EXPECT_EQ(not_resolved.find("unknown, expired or revoked"), std::string::npos)
      << "a live token was reported dead: " << not_resolved;
  EXPECT_EQ(not_resolved.find(token), std::string::npos);
  // An open connection stays open, but every statement needs its record.
  const std::string not_run = ErrorText(
      gateway->Call("query_storage", {{"connection_id", id}, {"query", "SELECT name FROM items"}}));
  EXPECT_NE(not_run.find("refused to run the statement: the audit log cannot be written"),
            std::string::npos)
      << not_run;
  Json listed = gateway->Call("list_connections", Json::object());
  EXPECT_EQ(Structured(listed)["connections"].size(), 1u) << listed.dump();

  // Space again: the same token works; nothing was lost or cut short.
  LimitFileSize(gateway->pid(), RLIM_INFINITY);
  Json reopened = Structured(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}}));
  EXPECT_TRUE(reopened.contains("connection_id")) << reopened.dump();
  Json rows =
      gateway->Call("query_storage", {{"connection_id", id}, {"query", "SELECT name FROM items"}});
  EXPECT_NE(Structured(rows).dump().find("apple"), std::string::npos) << rows.dump();
  EXPECT_GT(ReadFile(audit_path()).size(), log_size);
  ExpectAuditLogIntact();
}

TEST_F(StoreFaultsTest, AStoreLockedByAnotherProcessRefusesNewTokensAndServesOpenConnections) {
  const std::string database = SampleDatabase();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  Json opened = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", database}}));
  const std::string id = opened.value("connection_id", "");
  ASSERT_FALSE(id.empty()) << opened.dump();
  // Another process's connection (here: ours) holds the store's write lock,
  // as a long `aurite key rotate` would. (An exclusive lock cannot be had
  // while the gateway has the WAL store open.)
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "store.db").c_str(), &holder), SQLITE_OK);
  sqlite3_busy_timeout(holder, 5000);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(holder);

  // Securing must write: refused once the store's 5 s busy wait is over.
  const std::string refused =
      ErrorText(gateway->Call("secure_database_connection", {{"connection_string", database}}));
  Json rows =
      gateway->Call("query_storage", {{"connection_id", id}, {"query", "SELECT name FROM items"}});
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_NE(refused.find("locked"), std::string::npos) << refused;
  EXPECT_NE(refused.find((dir_ / "store.db").string()), std::string::npos) << refused;
  EXPECT_NE(Structured(rows).dump().find("apple"), std::string::npos) << rows.dump();
  Json secured =
      Structured(gateway->Call("secure_database_connection", {{"connection_string", database}}));
  EXPECT_TRUE(secured.contains("token")) << secured.dump();
}

TEST_F(StoreFaultsTest, AnAuditLogThatCannotBeWrittenStopsStartUp) {
  const std::uintmax_t log_size = GrowAuditLog();
  // The shell sets the limit (in 512-byte blocks) before it becomes the gateway.
  std::ofstream(dir_ / "aurite.json") << BaseConfig(dir_).dump();
  const std::string command = "ulimit -f " + std::to_string(log_size / 512) + " && exec '" +
                              AURITE_BINARY + "' serve --config '" +
                              (dir_ / "aurite.json").string() + "' </dev/null 2>&1";
  std::string output;
  int status = -1;
  {
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    status = ::pclose(pipe);
  }
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("refused to open the store: the audit log cannot be written"),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("aurite serve: ready"), std::string::npos) << output;
  ExpectAuditLogIntact();
}

TEST_F(StoreFaultsTest, ATruncatedStoreStopsStartUpAndIsLeftAsItWas) {
  MakeStore();
  const std::uintmax_t size = std::filesystem::file_size(dir_ / "store.db");
  ASSERT_GT(size, 8192u);
  std::filesystem::resize_file(dir_ / "store.db", size / 2);
  ExpectStartRefused("is damaged");
}

TEST_F(StoreFaultsTest, ACorruptedStoreStopsStartUpAndIsLeftAsItWas) {
  MakeStore();
  std::string bytes = ReadFile(dir_ / "store.db");
  ASSERT_GT(bytes.size(), 8192u);
  // Page 2 holds the first table after the schema.
  std::fill(bytes.begin() + 4096, bytes.begin() + 8192, '\x5a');
  std::ofstream(dir_ / "store.db", std::ios::binary | std::ios::trunc) << bytes;
  ExpectStartRefused("is damaged");
}

}  // namespace
}  // namespace aurite::e2e
