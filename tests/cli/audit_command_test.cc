// `aurite audit tail|search` over a real hash-chained log: filters by
// principal, connection, event and time, human lines by default, valid JSON
// lines with --json, and bad flags exit 2 with a clear message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "security/audit_log.h"
#include "support/command_runner.h"

namespace aurite::cli {
namespace {

using aurite::testing::RunCommand;
using aurite::testing::ShellQuote;

class AuditCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aurite-audit-cli-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    log_ = dir_ / "audit.jsonl";
    auto opened = security::AuditLog::Open(log_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    for (const auto& [principal, connection] : std::vector<std::pair<const char*, const char*>>{
             {"alice", "orders"}, {"bob", "orders"}, {"alice", "ad-hoc"}}) {
      security::AuditEvent event{.event = "statement",
                                 .connection = connection,
                                 .principal = principal,
                                 .statement_id = "0011223344556677"};
      event.statement = "SELECT * FROM t WHERE a = ?";
      event.params = 1;
      ASSERT_TRUE((*opened)->Record(event).ok());
    }
    ASSERT_TRUE((*opened)->Record({.event = "revoke", .server_id = "sql"}).ok());
    // A record from long ago (the chain does not matter to search).
    std::ofstream(log_, std::ios::app)
        << R"({"seq":99,"time":"2001-01-01T00:00:00.000Z","event":"statement",)"
        << R"("principal":"alice","connection":"orders","outcome":"ok","prev":"x"})"
        << "\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  testing::CommandOutput Audit(const std::string& args) {
    return RunCommand(ShellQuote(AURITE_BINARY) + " audit " + args + " --audit-log " +
                      ShellQuote(log_.string()));
  }
  static std::vector<nlohmann::json> JsonLines(const std::string& out) {
    std::vector<nlohmann::json> records;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      EXPECT_TRUE(record.is_object()) << "not a JSON line: " << line;
      records.push_back(record);
    }
    return records;
  }

  std::filesystem::path dir_;
  std::filesystem::path log_;
};

TEST_F(AuditCommandTest, SearchFiltersByPrincipalConnectionAndSince) {
  auto found = Audit("search --principal alice --connection orders --since 1h --json");
  ASSERT_EQ(found.exit_status, 0) << found.err;
  std::vector<nlohmann::json> records = JsonLines(found.out);
  ASSERT_EQ(records.size(), 1u) << found.out;
  EXPECT_EQ(records[0]["principal"], "alice");
  EXPECT_EQ(records[0]["connection"], "orders");
  EXPECT_EQ(records[0]["statement"], "SELECT * FROM t WHERE a = ?");

  // Without --since, the old record too.
  EXPECT_EQ(JsonLines(Audit("search --principal alice --connection orders --json").out).size(), 2u);
  EXPECT_EQ(JsonLines(Audit("search --connection orders --since 1h --json").out).size(), 2u);
  EXPECT_EQ(JsonLines(Audit("search --event revoke --json").out).size(), 1u);
  auto none = Audit("search --principal mallory");
  EXPECT_EQ(none.exit_status, 0);
  EXPECT_TRUE(none.out.empty()) << none.out;
}

TEST_F(AuditCommandTest, TailShowsTheLastRecordsAsHumanLines) {
  auto tail = Audit("tail -n 2");
  ASSERT_EQ(tail.exit_status, 0) << tail.err;
  std::istringstream in(tail.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u) << tail.out;
  EXPECT_NE(lines[0].find(" revoke ok"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("2001-01-01T00:00:00.000Z #99 statement ok principal=alice"),
            std::string::npos)
      << lines[1];
  EXPECT_EQ(lines[1].find("prev="), std::string::npos);
  auto json = Audit("tail --json");
  EXPECT_EQ(JsonLines(json.out).size(), 6u);  // the header, 3 statements, revoke, the old one
}

// --follow prints what is appended later, and a line only once it is
// whole: here the writer finishes a half-written record after the start.
// Whether tail starts before or after that, the record is printed once.
TEST_F(AuditCommandTest, TailFollowPrintsRecordsAppendedLater) {
  const std::string late = ShellQuote((dir_ / "late.jsonl").string());
  auto followed = RunCommand("printf '{\"seq\":7,' > " + late +
                             "; (sleep 0.5; printf '\"event\":\"late\"}\\n' >> " + late +
                             ") & timeout 2 " + ShellQuote(AURITE_BINARY) +
                             " audit tail -n 1 --follow --json --audit-log " + late + "; wait");
  EXPECT_EQ(followed.out, "{\"seq\":7,\"event\":\"late\"}\n") << followed.err;
}

TEST_F(AuditCommandTest, BadFlagsExit2WithAClearMessage) {
  auto unknown = Audit("search --bogus");
  EXPECT_EQ(unknown.exit_status, 2);
  EXPECT_NE(unknown.err.find("--bogus"), std::string::npos) << unknown.err;
  auto since = Audit("search --since yesterday");
  EXPECT_EQ(since.exit_status, 2);
  EXPECT_NE(since.err.find("--since"), std::string::npos) << since.err;
  auto lines = Audit("tail -n -3");
  EXPECT_EQ(lines.exit_status, 2) << lines.out;
  auto missing = RunCommand(ShellQuote(AURITE_BINARY) + " audit tail --audit-log " +
                            ShellQuote((dir_ / "nope.jsonl").string()));
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("cannot open audit log"), std::string::npos) << missing.err;
  auto help = RunCommand(ShellQuote(AURITE_BINARY) + " audit search --help");
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("--principal"), std::string::npos);
}

}  // namespace
}  // namespace aurite::cli
