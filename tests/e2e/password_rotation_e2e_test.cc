// Rotated passwords through the real `aurite serve` and `aurite credentials
// rotate`, on the harness's PostgreSQL and MariaDB: the host takes over an
// existing user's password, rotates it on command and by its period, keeps
// only the current one, and settles a rotation that a crash interrupted on
// either side of the ALTER (the crash is injected by writing the state it
// leaves into the store).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "credentials/generated_login.h"
#include "engine_fixture.h"
#include "gateway_process.h"
#include "host/config.h"
#include "host/host_store.h"
#include "sql/connection.h"
#include "sql/connection_string.h"
#include "sql/test_databases.h"
#include "support/command_runner.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using namespace std::chrono_literals;
using sql::Engine;

class PasswordRotationTest : public EngineGatewayTest {
 protected:
  void SetUp() override {
    EngineGatewayTest::SetUp();
    if (HasFatalFailure()) return;
    user_ = sql::testing::UniqueName("aurite_e2e_app");
    initial_ = "Initial-Pw-" + sql::testing::UniqueName("x");
    if (postgres()) {
      Root("CREATE ROLE \"" + user_ + "\" LOGIN PASSWORD '" + initial_ + "'");
    } else {
      Root("CREATE USER `" + user_ + "`@'%' IDENTIFIED BY '" + initial_ + "'");
      Root("GRANT SELECT ON `" + Database() + "`.* TO `" + user_ + "`@'%'");
    }
  }
  void TearDown() override {
    if (root_) Root(postgres() ? "DROP ROLE \"" + user_ + "\"" : "DROP USER `" + user_ + "`@'%'");
    EngineGatewayTest::TearDown();
  }

  std::string Base() { return Scheme() + "://" + Address(); }
  Json Config(const std::string& period = "1h") {
    Json config = BaseConfig(dir_);
    config["connections"] = {{"app",
                              {{"storage_type", Scheme()},
                               {"connection_string", Base()},
                               {"credentials",
                                {{"mode", "rotate"},
                                 {"admin", AdminUri()},
                                 {"username", user_},
                                 {"rotation_period", period}}}}}};
    return config;
  }
  void WriteConfig(const Json& config) { std::ofstream(dir_ / "aurite.json") << config.dump(2); }

  bool LogsIn(const std::string& password) {
    StatusOr<crypto::SecretBuffer> login =
        credentials::LoginConnectionString(Base(), user_, crypto::SecretBuffer::CopyFrom(password));
    EXPECT_TRUE(login.ok()) << login.status().ToString();
    if (!login.ok()) return false;
    StatusOr<sql::ConnectionConfig> config = sql::ParseConnectionString(login->Reveal());
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    return config.ok() && sql::OpenConnection(*config, {}).ok();
  }

  // The store as the host opens it, from dir/aurite.json and the test's key.
  host::HostStore OpenStore() {
    StatusOr<host::Config> config = host::LoadConfigFile(dir_ / "aurite.json");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    StatusOr<crypto::KeySetting> key =
        crypto::ReadKeySetting([this](std::string_view name) -> std::optional<std::string_view> {
          if (name == "AURITE_MCP_ENCRYPTION_KEY") return key_;
          return std::nullopt;
        });
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    StatusOr<host::HostStore> store = host::OpenHostStore(*config, std::move(key).value());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }
  // {current, pending (empty: none)} as stored for "app".
  std::pair<std::string, std::string> Stored() {
    host::HostStore store = OpenStore();
    StatusOr<std::optional<security::RotationRecord>> record = store.manager->GetRotation("app");
    EXPECT_TRUE(record.ok() && record->has_value());
    if (!record.ok() || !record->has_value()) return {};
    const security::RotationRecord& rotation = **record;
    return {std::string(rotation.current_password.Reveal()),
            rotation.pending_password ? std::string(rotation.pending_password->Reveal()) : ""};
  }
  // What a crash leaves: `current` stored as the password, `pending` about
  // to be set (or set, if the crash came after the ALTER).
  void StoreInterruptedRotation(const std::string& current, const std::string& pending) {
    host::HostStore store = OpenStore();
    security::RotationRecord record;
    record.connection = "app";
    record.username = user_;
    record.current_password = crypto::SecretBuffer::CopyFrom(current);
    record.pending_password = crypto::SecretBuffer::CopyFrom(pending);
    record.rotated_at = 1'700'000'000;
    record.pending_since = 1'700'000'100;
    ASSERT_TRUE(store.manager->PutRotation(record).ok());
  }

  std::string Connect(GatewayProcess& gateway) {
    Json connected = Structured(
        gateway.Call("connect_storage", {{"storage_type", Scheme()}, {"connection_name", "app"}}));
    EXPECT_TRUE(connected.contains("connection_id")) << connected.dump();
    return connected.value("connection_id", "");
  }
  std::string CurrentUser(GatewayProcess& gateway, const std::string& id) {
    Json rows = Structured(
        gateway.Call("query_storage",
                     {{"connection_id", id},
                      {"query", postgres() ? "SELECT current_user"
                                           : "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1)"}}));
    return rows.contains("rows") ? rows["rows"][0][0].get<std::string>() : "";
  }
  testing::CommandOutput RotateWithCli() {
    return testing::RunCommand("cd " + testing::ShellQuote(dir_.string()) +
                               " && env -i AURITE_MCP_ENCRYPTION_KEY=" + testing::ShellQuote(key_) +
                               " " + testing::ShellQuote(AURITE_BINARY) +
                               " credentials rotate app --config aurite.json");
  }
  std::size_t Count(const std::string& text, const std::string& what) {
    std::size_t count = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
      ++count;
    }
    return count;
  }

  std::string user_;
  std::string initial_;
};

TEST_P(PasswordRotationTest, TheHostOwnsThePasswordAndRotatesItOnCommand) {
  auto gateway = StartGateway(Config());
  ASSERT_NE(gateway, nullptr);
  const std::string first = Connect(*gateway);
  EXPECT_EQ(CurrentUser(*gateway, first), user_);
  EXPECT_FALSE(LogsIn(initial_)) << "the host set a password of its own at start";
  const auto [set_at_start, no_pending] = Stored();
  EXPECT_TRUE(no_pending.empty());
  EXPECT_TRUE(LogsIn(set_at_start));

  testing::CommandOutput cli = RotateWithCli();
  EXPECT_EQ(cli.exit_status, 0) << cli.err;
  const auto [rotated, still_no_pending] = Stored();
  EXPECT_NE(rotated, set_at_start) << "only the new password is kept";
  EXPECT_TRUE(still_no_pending.empty());
  EXPECT_FALSE(LogsIn(set_at_start));
  EXPECT_TRUE(LogsIn(rotated));
  EXPECT_EQ(CurrentUser(*gateway, first), user_) << "open sessions stay up";
  EXPECT_EQ(CurrentUser(*gateway, Connect(*gateway)), user_) << "new ones use the new password";
  ExpectNotInAnyProcess(*gateway, AdminPassword());
  ExpectNotInAnyProcess(*gateway, rotated);

  // A session lost after the rotation is reopened with the new password:
  // the server resolves the token again rather than replaying the old login.
  Root(postgres() ? "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE "
                    "usename = '" +
                        user_ + "'"
                  : "KILL CONNECTION USER `" + user_ + "`");
  const std::string lost =
      ErrorText(gateway->Call("query_storage", {{"connection_id", first}, {"query", "SELECT 1"}}));
  EXPECT_NE(lost.find("connection to the server was lost"), std::string::npos) << lost;
  EXPECT_EQ(CurrentUser(*gateway, first), user_) << "the next call logs in anew";
  gateway->Stop();

  const std::string audit = ReadFile(dir_ / "audit.jsonl");
  EXPECT_EQ(Count(audit, "\"password_rotated\""), 2u) << audit;
  EXPECT_NE(audit.find(user_), std::string::npos);
  for (const std::string& secret : {AdminPassword(), set_at_start, rotated}) {
    EXPECT_EQ(gateway->received().find(secret), std::string::npos);
    EXPECT_EQ(ReadFile(dir_ / "host.log").find(secret), std::string::npos);
    EXPECT_EQ(audit.find(secret), std::string::npos);
    EXPECT_EQ(cli.out.find(secret), std::string::npos);
    EXPECT_EQ(cli.err.find(secret), std::string::npos);
  }
}

TEST_P(PasswordRotationTest, ARotationInterruptedOnEitherSideOfTheAlterIsSettledAtStart) {
  const Json config = Config();
  WriteConfig(config);
  // Crashed after storing the pending password, before the ALTER.
  const std::string before_alter = "Pending-Pw-" + sql::testing::UniqueName("b");
  StoreInterruptedRotation(initial_, before_alter);
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  EXPECT_TRUE(LogsIn(before_alter));
  EXPECT_FALSE(LogsIn(initial_));
  EXPECT_EQ(Stored(), std::make_pair(before_alter, std::string()));
  gateway->Stop();

  // Crashed after the ALTER, before storing the password as current.
  const std::string after_alter = "Pending-Pw-" + sql::testing::UniqueName("a");
  Root(postgres() ? "ALTER ROLE \"" + user_ + "\" PASSWORD '" + after_alter + "'"
                  : "ALTER USER `" + user_ + "`@'%' IDENTIFIED BY '" + after_alter + "'");
  StoreInterruptedRotation(before_alter, after_alter);
  gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  EXPECT_EQ(CurrentUser(*gateway, Connect(*gateway)), user_);
  EXPECT_TRUE(LogsIn(after_alter));
  EXPECT_FALSE(LogsIn(before_alter));
  EXPECT_EQ(Stored(), std::make_pair(after_alter, std::string()));
  gateway->Stop();
  EXPECT_EQ(Count(ReadFile(dir_ / "audit.jsonl"), "\"rotation_settled\""), 2u);
}

TEST_P(PasswordRotationTest, ThePasswordIsRotatedEveryPeriod) {
  auto gateway = StartGateway(Config("2s"));
  ASSERT_NE(gateway, nullptr);
  const std::string set_at_start = Stored().first;
  const auto deadline = std::chrono::steady_clock::now() + 6s;
  while (Count(ReadFile(dir_ / "audit.jsonl"), "\"password_rotated\"") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  const std::string rotated = Stored().first;
  EXPECT_NE(rotated, set_at_start);
  EXPECT_TRUE(LogsIn(rotated));
  EXPECT_EQ(CurrentUser(*gateway, Connect(*gateway)), user_);
}

// Several processes rotating one user at once (a gateway's timer and three
// commands): the lock makes them take turns, so the password the store keeps
// is the one the database has.
TEST_P(PasswordRotationTest, RotationsFromSeveralProcessesAtOnceKeepStoreAndDatabaseAgreeing) {
  auto gateway = StartGateway(Config());
  ASSERT_NE(gateway, nullptr);
  std::vector<std::thread> commands;
  std::vector<testing::CommandOutput> outputs(3);
  for (testing::CommandOutput& output : outputs) {
    commands.emplace_back([this, &output] { output = RotateWithCli(); });
  }
  for (std::thread& command : commands) command.join();
  for (const testing::CommandOutput& output : outputs)
    EXPECT_EQ(output.exit_status, 0) << output.err;
  const auto [current, pending] = Stored();
  EXPECT_TRUE(pending.empty());
  EXPECT_TRUE(LogsIn(current));
  EXPECT_EQ(Count(ReadFile(dir_ / "audit.jsonl"), "\"password_rotated\""), 4u);
  EXPECT_EQ(CurrentUser(*gateway, Connect(*gateway)), user_);
}

INSTANTIATE_TEST_SUITE_P(Engines, PasswordRotationTest,
                         ::testing::Values(Engine::kPostgres, Engine::kMariaDb), EngineTestName);

}  // namespace
}  // namespace aurite::e2e
