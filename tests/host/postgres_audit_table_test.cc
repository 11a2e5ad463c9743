// Tests of the shared store's audit table on the harness's PostgreSQL: one
// hash chain per gateway, verified; tampering found; a full queue refuses
// (fail closed); `aurite audit verify --store`.
#include "host/postgres_audit_table.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "host/postgres_store.h"
#include "postgres_store_fixture.h"
#include "security/store_test_support.h"
#include "sql/connection_string.h"
#include "support/command_runner.h"

namespace aurite::host {
namespace {

using namespace std::chrono_literals;

class PostgresAuditTableTest : public testing::OpenedStoreDatabaseTest {
 protected:
  std::unique_ptr<PostgresAuditTable> StartChain(const std::string& instance,
                                                 AuditTableOptions options = {}) {
    auto config = sql::ParseConnectionString(url_);
    EXPECT_TRUE(config.ok());
    auto table = PostgresAuditTable::Start(*config, instance, options);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return table.ok() ? std::move(*table) : nullptr;
  }
  StatusOr<std::vector<AuditChainReport>> Verify() {
    PostgresLink link(*sql::ParseConnectionString(url_));
    return VerifyAuditTable(link);
  }

  security::TokenDigest digest_ = security::DigestAccessToken("aurite_tk_audit-canary-token");
};

TEST_F(PostgresAuditTableTest, EachGatewayWritesAChainOfItsOwnThatVerifies) {
  auto first = StartChain("gw-1");
  auto second = StartChain("gw-2");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(first->Record({.event = "resolve", .token_digest = digest_}).ok());
  }
  ASSERT_TRUE(second->Record({.event = "resolve", .token_digest = digest_}).ok());
  ASSERT_TRUE(first->Flush(5s));
  ASSERT_TRUE(second->Flush(5s));

  auto reports = Verify();
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_EQ(reports->size(), 2u);
  EXPECT_EQ((*reports)[0].instance, "gw-1");
  EXPECT_TRUE((*reports)[0].verification.intact) << (*reports)[0].verification.problem;
  EXPECT_EQ((*reports)[0].verification.lines, 4u) << "chain start and three records";
  EXPECT_EQ((*reports)[1].verification.lines, 2u);

  // Both gateways fingerprint the token alike, and neither wrote it.
  std::string dump = testing::DumpTable(database_, "aurite_audit");
  EXPECT_EQ(dump.find("audit-canary-token"), std::string::npos);
  std::set<std::string> fingerprints;
  std::istringstream rows(dump);
  for (std::string row; std::getline(rows, row);) {
    auto at = row.find("hmac-sha256:");
    if (at != std::string::npos) fingerprints.insert(row.substr(at, 76));
  }
  EXPECT_EQ(fingerprints.size(), 1u) << dump;
}

TEST_F(PostgresAuditTableTest, AChangedOrRemovedRowBreaksItsChainOnly) {
  auto first = StartChain("gw-1");
  auto second = StartChain("gw-2");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(first->Record({.event = "resolve", .outcome = "ok"}).ok());
    ASSERT_TRUE(second->Record({.event = "resolve", .outcome = "ok"}).ok());
  }
  ASSERT_TRUE(first->Flush(5s) && second->Flush(5s));
  testing::RunAsAdmin(database_,
                      {"UPDATE aurite_audit SET line = replace(line, '\"resolve\"', '\"secure\"') "
                       "WHERE instance = 'gw-1' AND seq = 3",
                       "DELETE FROM aurite_audit WHERE instance = 'gw-2' AND seq = 2"});
  auto reports = Verify();
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_EQ(reports->size(), 2u);
  EXPECT_FALSE((*reports)[0].verification.intact);
  EXPECT_EQ((*reports)[0].verification.first_bad_line, 4u) << "the line after the changed one";
  EXPECT_FALSE((*reports)[1].verification.intact);
  EXPECT_EQ((*reports)[1].verification.first_bad_line, 2u) << "a sequence number is missing";
}

TEST_F(PostgresAuditTableTest, RecordsWaitForAnUnreachableTableAndAFullQueueRefuses) {
  auto chain = StartChain("gw-1", {.max_queued = 5});
  testing::Unreachable(database_);
  Status refused = OkStatus();
  int taken = 0;
  for (int i = 0; i < 10 && refused.ok(); ++i) {
    refused = chain->Record({.event = "resolve"});
    if (refused.ok()) ++taken;
  }
  ASSERT_FALSE(refused.ok()) << "an audit record that cannot be kept must refuse the action";
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find("fail closed"), std::string::npos) << refused.message();
  EXPECT_EQ(taken, 5);

  testing::Reachable(database_);
  ASSERT_TRUE(chain->Flush(10s)) << "what was queued reaches the table once it is back";
  auto reports = Verify();
  ASSERT_TRUE(reports.ok());
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_TRUE((*reports)[0].verification.intact) << (*reports)[0].verification.problem;
  EXPECT_EQ((*reports)[0].verification.lines, 6u) << "nothing lost, nothing twice";
}

TEST_F(PostgresAuditTableTest, TheCommandVerifiesEveryChainAndRefusesAPasswordOnItsCommandLine) {
  auto chain = StartChain("gw-1");
  ASSERT_TRUE(chain->Record({.event = "resolve"}).ok());
  ASSERT_TRUE(chain->Flush(5s));
  const std::string uri = sql::testing::Databases()["postgres"]["uri"].get<std::string>();
  const std::string encoded_password =
      uri.substr(uri.find(':', 13) + 1, uri.find('@') - uri.find(':', 13) - 1);
  const std::string by_reference =
      "postgresql://aurite_app:${env:AURITE_TEST_STORE_PW}@" + url_.substr(url_.find('@') + 1);
  auto verified = aurite::testing::RunCommand(
      "AURITE_TEST_STORE_PW=" + aurite::testing::ShellQuote(encoded_password) + " " +
      AURITE_BINARY + " audit verify --store " + aurite::testing::ShellQuote(by_reference));
  EXPECT_EQ(verified.exit_status, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("instance gw-1: intact, 2 records"), std::string::npos)
      << verified.out;

  testing::RunAsAdmin(database_, {"DELETE FROM aurite_audit WHERE seq = 1"});
  auto broken = aurite::testing::RunCommand(
      "AURITE_TEST_STORE_PW=" + aurite::testing::ShellQuote(encoded_password) + " " +
      AURITE_BINARY + " audit verify --store " + aurite::testing::ShellQuote(by_reference));
  EXPECT_EQ(broken.exit_status, 1) << broken.out << broken.err;

  auto literal = aurite::testing::RunCommand(std::string(AURITE_BINARY) + " audit verify --store " +
                                             aurite::testing::ShellQuote(url_));
  EXPECT_NE(literal.exit_status, 0);
  EXPECT_NE(literal.err.find("holds a password"), std::string::npos) << literal.err;
  EXPECT_EQ(literal.err.find("canary"), std::string::npos) << "the password is not echoed";
}

}  // namespace
}  // namespace aurite::host
