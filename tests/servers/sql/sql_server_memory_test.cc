// Memory per value is bounded: one huge value (SQLite zeroblob, PostgreSQL
// repeat) fails with a clear error while the real `aurite sql-server`
// process stays small (peak RSS, VmHWM), and the server answers afterwards.
// Not built under sanitizers: their shadow memory makes RSS meaningless and
// the process cap (RLIMIT_DATA) unusable.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "servers/sql/sql_server_client.h"
#include "sql/test_databases.h"
#include "support/command_runner.h"
#include "support/peak_resident.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;
using testing::ErrorText;
using testing::SqlServerClient;
using testing::Structured;
namespace db = aurite::sql;

constexpr std::size_t kMiB = 1024 * 1024;

// Peak resident memory of process `pid` (VmHWM), in bytes.
std::size_t PeakResident(pid_t pid) {
  long kib = aurite::testing::PeakResidentKib(pid);
  if (kib < 0) ADD_FAILURE() << "no VmHWM for process " << pid;
  return kib < 0 ? 0 : static_cast<std::size_t>(kib) * 1024;
}

std::string Connect(SqlServerClient& server, const std::string& url) {
  return Structured(server.Call("connect_database", {{"connection_string", url}}))
      .value("connection_id", "");
}

Json Query(SqlServerClient& server, const std::string& id, const std::string& sql) {
  return server.Call("execute_query", {{"connection_id", id}, {"query", sql}});
}

// The server still serves: a small query on the same connection id answers.
void ExpectStillServes(SqlServerClient& server, const std::string& id) {
  Json answer = Structured(Query(server, id, "SELECT 41 + 1"));
  ASSERT_TRUE(answer.contains("rows")) << answer.dump();
  EXPECT_EQ(answer["rows"][0][0], 42);
}

class SqliteValueMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::unique_ptr<db::Connection>> created = db::OpenConnection(
        db::testing::ConfigFor(db::Engine::kSqlite, path_), {.allow_writes = true});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE((*created)->Execute("CREATE TABLE t (id INTEGER)", {}, {}).ok());
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_ = (std::filesystem::temp_directory_path() /
                       (db::testing::UniqueName("aurite-sql-memory") + ".db"))
                          .string();
};

// SQLITE_LIMIT_LENGTH (32 MiB with the default --max-result-bytes): SQLite
// refuses to build the value at all, without any process cap.
TEST_F(SqliteValueMemoryTest, AHugeBlobFailsInTheEngineAndTheProcessStaysSmall) {
  auto server = SqlServerClient::Start();
  ASSERT_NE(server, nullptr);
  std::string id = Connect(*server, "sqlite:///" + path_);
  ASSERT_FALSE(id.empty());
  for (const char* size : {"300000000", "1000000000"}) {
    std::string error = ErrorText(Query(*server, id, std::string("SELECT zeroblob(") + size + ")"));
    EXPECT_NE(error.find("larger than the 33554432 bytes this connection accepts"),
              std::string::npos)
        << size << ": " << error;
  }
  std::size_t peak = PeakResident(server->process->pid());
  EXPECT_LT(peak, 64 * kMiB) << "peak RSS " << peak / kMiB << " MiB";
  ExpectStillServes(*server, id);
}

// PostgreSQL has no per-value limit: the process cap makes libpq's
// allocation fail, which is reported, and only that session is closed.
TEST(PostgresValueMemoryTest, AHugeTextFailsUnderTheProcessCapAndTheServerGoesOn) {
  constexpr std::size_t kCap = 256 * kMiB;
  // Building a 1 GB value takes PostgreSQL itself seconds (more on a busy
  // machine): the statement timeout must not be what ends the call.
  auto server =
      SqlServerClient::Start({"--max-memory", std::to_string(kCap), "--statement-timeout", "120"});
  ASSERT_NE(server, nullptr);
  std::string id = Connect(*server, db::testing::Databases()["postgres"]["uri"]);
  ASSERT_FALSE(id.empty());
  // 300 MB and 1 GB, repeated from a 1 MB piece (repeat('x', 1e9) copies
  // byte by byte and takes PostgreSQL much longer to build).
  for (const char* megabytes : {"300", "1000"}) {
    std::string error = ErrorText(
        Query(*server, id, std::string("SELECT repeat(repeat('x', 1000000), ") + megabytes + ")"));
    EXPECT_NE(error.find("out of memory"), std::string::npos) << megabytes << " MB: " << error;
    ExpectStillServes(*server, id);
  }
  std::size_t peak = PeakResident(server->process->pid());
  EXPECT_LT(peak, kCap + 64 * kMiB) << "peak RSS " << peak / kMiB << " MiB";
}

TEST(SqlServerMemoryCapTest, ACapTooSmallToRunIsAUsageError) {
  aurite::testing::CommandOutput run =
      aurite::testing::RunCommand(std::string(AURITE_BINARY) + " sql-server --max-memory 1000000");
  EXPECT_EQ(run.exit_status, 2) << run.err;
  EXPECT_NE(run.err.find("--max-memory 1000000 is below the minimum of 67108864 bytes"),
            std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace aurite::servers::sql
