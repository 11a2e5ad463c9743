// The statement audit trail through a real gateway and SQL server: every
// query_storage statement gets a start and an end record with the fields
// of statement_audit.h, its text masked (default), in full or left out per
// audit.statements, and a statement whose record cannot be written is
// refused, never run unrecorded.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gateway_process.h"
#include "security/audit_log.h"
#include "sql/connection.h"
#include "sql/connection_string.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

constexpr char kCanary[] = "Canary-Literal-Qx";
constexpr char kCanaryNumber[] = "31337";

class StatementAuditTest : public GatewayTestBase {
 protected:
  std::unique_ptr<GatewayProcess> Start(const std::string& mode = "") {
    Json config = BaseConfig(dir_);
    config["connections"] = {
        {"sample", {{"storage_type", "sqlite"}, {"connection_string", Sample()}}}};
    if (!mode.empty()) config["audit"] = {{"statements", mode}};
    return StartGateway(config);
  }
  // The sample database, made once per test.
  const std::string& Sample() {
    if (sample_.empty()) sample_ = SampleDatabase();
    return sample_;
  }
  std::string Connect(GatewayProcess& gateway) {
    Json connected = Structured(gateway.Call(
        "connect_storage", {{"storage_type", "sqlite"}, {"connection_name", "sample"}}));
    return connected.value("connection_id", "");
  }
  // A statement with a string and a number literal and one parameter.
  Json Query(GatewayProcess& gateway, const std::string& id) {
    return gateway.Call(
        "query_storage",
        {{"connection_id", id},
         {"query", std::string("SELECT name FROM items WHERE name <> '") + kCanary + "' AND id < " +
                       kCanaryNumber + " AND id > ? /* " + kCanary + " */"},
         {"params", {0}}});
  }
  std::vector<Json> StatementRecords() {
    std::vector<Json> records;
    std::ifstream in(dir_ / "audit.jsonl");
    for (std::string line; std::getline(in, line);) {
      Json record = Json::parse(line);
      if (record["event"] == "statement") records.push_back(record);
    }
    return records;
  }

  std::string sample_;
};

TEST_F(StatementAuditTest, MaskedByDefaultWithEveryFieldAndNoLiteral) {
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  Json rows = Structured(Query(*gateway, Connect(*gateway)));
  ASSERT_EQ(rows["row_count"], 2) << rows.dump();
  gateway->Stop();

  std::vector<Json> records = StatementRecords();
  ASSERT_EQ(records.size(), 2u);
  const Json& start = records[0];
  const Json& end = records[1];
  EXPECT_EQ(start["outcome"], "started");
  // Over stdio the principal is the local user the gateway runs as.
  const passwd* user = ::getpwuid(::geteuid());
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(start["principal"], user->pw_name);
  EXPECT_EQ(start["connection"], "sample");
  EXPECT_EQ(start["statement"], "SELECT name FROM items WHERE name <> ? AND id < ? AND id > ?  ");
  EXPECT_EQ(start["params"], 1);
  EXPECT_EQ(end["statement_id"], start["statement_id"]);
  EXPECT_FALSE(end.contains("statement"));
  EXPECT_EQ(end["outcome"], "ok");
  EXPECT_EQ(end["rows"], 2);
  EXPECT_TRUE(end["duration_ms"].is_number());
  const std::string log = ReadFile(dir_ / "audit.jsonl");
  EXPECT_EQ(log.find(kCanary), std::string::npos);
  EXPECT_EQ(log.find(kCanaryNumber), std::string::npos);
  StatusOr<security::AuditVerification> verified = security::VerifyAuditLog(dir_ / "audit.jsonl");
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST_F(StatementAuditTest, AdHocConnectionsAndFailedStatementsAreRecordedToo) {
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  Json connected = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", Sample()}}));
  Json failed = gateway->Call("query_storage", {{"connection_id", connected["connection_id"]},
                                                {"query", "SELECT nope FROM items"}});
  EXPECT_TRUE(failed.value("isError", false)) << failed.dump();
  gateway->Stop();
  std::vector<Json> records = StatementRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["connection"], "ad-hoc");
  EXPECT_EQ(records[1]["outcome"], "error");
  EXPECT_FALSE(records[1].contains("rows"));
}

TEST_F(StatementAuditTest, FullKeepsTheTextAndNoneLeavesItOut) {
  {
    auto gateway = Start("full");
    ASSERT_NE(gateway, nullptr);
    Query(*gateway, Connect(*gateway));
    gateway->Stop();
    std::vector<Json> records = StatementRecords();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_NE(records[0]["statement"].get<std::string>().find(kCanary), std::string::npos);
  }
  std::filesystem::remove(dir_ / "audit.jsonl");
  auto gateway = Start("none");
  ASSERT_NE(gateway, nullptr);
  Query(*gateway, Connect(*gateway));
  gateway->Stop();
  std::vector<Json> records = StatementRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(records[0].contains("statement")) << records[0].dump();
  EXPECT_EQ(records[0]["params"], 1);
  EXPECT_EQ(records[1]["rows"], 2);
  EXPECT_EQ(ReadFile(dir_ / "audit.jsonl").find("items"), std::string::npos);
}

TEST_F(StatementAuditTest, BadModeIsAClearConfigurationError) {
  Json config = BaseConfig(dir_);
  config["audit"] = {{"statements", "partial"}};
  FailedStart failed = RunServeExpectingFailure(dir_, config.dump(), key_);
  EXPECT_FALSE(failed.became_ready);
  EXPECT_NE(failed.stderr_text.find("audit.statements"), std::string::npos) << failed.stderr_text;
  EXPECT_NE(failed.stderr_text.find("\"masked\""), std::string::npos) << failed.stderr_text;
}

// A log deleted while the gateway runs cannot take records: the write is
// refused and never reaches the database.
TEST_F(StatementAuditTest, AnUnwritableAuditLogRefusesTheStatement) {
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  const std::string id = Connect(*gateway);
  std::filesystem::remove(dir_ / "audit.jsonl");
  Json refused = gateway->Call(
      "query_storage", {{"connection_id", id}, {"query", "INSERT INTO items(name) VALUES ('x')"}});
  EXPECT_TRUE(refused.value("isError", false)) << refused.dump();
  EXPECT_NE(ErrorText(refused).find("audit log"), std::string::npos) << refused.dump();
  gateway->Stop();

  StatusOr<sql::ConnectionConfig> config =
      sql::ParseConnectionString("sqlite:///" + (dir_ / "sample.db").string());
  ASSERT_TRUE(config.ok());
  StatusOr<std::unique_ptr<sql::Connection>> sample = sql::OpenConnection(*config, {});
  ASSERT_TRUE(sample.ok()) << sample.status().ToString();
  StatusOr<sql::QueryResult> count = (*sample)->Execute("SELECT count(*) FROM items", {}, {});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows[0][0], 2);
}

// A storage server's own execute_query, forwarded as sql_execute_query, is
// audited too; the engine is not known there, so the text is masked by the
// union of the engines' rules.
TEST_F(StatementAuditTest, ForwardedExecuteQueryIsAuditedToo) {
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  Json connected =
      Structured(gateway->Call("sql_connect_database", {{"connection_string", Sample()}}));
  Json rows = gateway->Call(
      "sql_execute_query",
      {{"connection_id", connected["connection_id"]},
       {"query", std::string("SELECT name FROM items WHERE name <> '") + kCanary + "'"}});
  EXPECT_FALSE(rows.value("isError", false)) << rows.dump();
  gateway->Stop();
  std::vector<Json> records = StatementRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["connection"], "ad-hoc");
  EXPECT_EQ(records[0]["statement"], "SELECT name FROM items WHERE name <> ?");
  EXPECT_EQ(records[1]["outcome"], "ok");
  EXPECT_EQ(ReadFile(dir_ / "audit.jsonl").find(kCanary), std::string::npos);
}

// The role a statement runs as is the gateway's to set: neither
// query_storage nor a storage server's own execute_query takes the caller's.
TEST_F(StatementAuditTest, CallersCannotChooseTheDatabaseRole) {
  auto gateway = Start("full");
  ASSERT_NE(gateway, nullptr);
  Json refused = gateway->Call(
      "sql_execute_query", {{"connection_id", "any"}, {"query", "SELECT 1"}, {"role", "admin"}});
  EXPECT_TRUE(refused.value("isError", false)) << refused.dump();
  // The gateway's schema for the tool has no `role` (and the gateway would
  // refuse it past the schema), so the error names the argument.
  EXPECT_NE(ErrorText(refused).find("\"role\""), std::string::npos) << refused.dump();
  // query_storage does not pass it on: SQLite, which has no roles, runs it.
  Json rows = gateway->Call(
      "query_storage",
      {{"connection_id", Connect(*gateway)}, {"query", "SELECT 1"}, {"role", "admin"}});
  EXPECT_FALSE(rows.value("isError", false)) << rows.dump();
  gateway->Stop();
  for (const Json& record : StatementRecords()) EXPECT_FALSE(record.contains("role"));
}

}  // namespace
}  // namespace aurite::e2e
