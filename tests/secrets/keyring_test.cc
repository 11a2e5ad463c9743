// The desktop keyring through a real GNOME Keyring (keyring_test_main.cc
// starts one): items that secret-tool made are read, items we store are
// what secret-tool reads, `aurite secret set` and `${keyring:}` work end to
// end, and a missing item, a locked keyring or no keyring at all each get a
// clear error that never contains a secret.
#include "secrets/keyring.h"

#include <gtest/gtest.h>

#include "gateway_process.h"
#include "host/secret_reference.h"
#include "support/command_runner.h"

namespace aurite::secrets {
namespace {

using ::aurite::testing::CommandOutput;
using ::aurite::testing::RunCommand;
using ::aurite::testing::ShellQuote;

constexpr char kCanary[] = "Keyring-Canary-7f3a9";

std::string SecretTool(const std::string& args, const std::string& input = "") {
  CommandOutput run = RunCommand("secret-tool " + args, input);
  EXPECT_EQ(run.exit_status, 0) << run.err;
  return run.out;
}

TEST(KeyringTest, ParsesServiceSlashAccount) {
  StatusOr<KeyringItem> item = ParseKeyringItem("aurite/orders/db");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->service, "aurite");
  EXPECT_EQ(item->account, "orders/db");
  for (const char* bad : {"", "aurite", "/db", "aurite/"}) {
    EXPECT_EQ(ParseKeyringItem(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(KeyringTest, ReadsAnItemThatSecretToolStored) {
  SecretTool("store --label=test service aurite-test account made-by-tool", kCanary);
  StatusOr<crypto::SecretBuffer> secret = ReadKeyringSecret({"aurite-test", "made-by-tool"});
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(secret->Reveal(), kCanary);
}

TEST(KeyringTest, StoredItemsAreWhatSecretToolReadsAndAStoreReplaces) {
  const KeyringItem item{"aurite-test", "stored"};
  ASSERT_TRUE(StoreKeyringSecret(item, crypto::SecretBuffer::CopyFrom("first"), "t").ok());
  ASSERT_TRUE(StoreKeyringSecret(item, crypto::SecretBuffer::CopyFrom(kCanary), "t").ok());
  EXPECT_EQ(SecretTool("lookup service aurite-test account stored"), kCanary);
  StatusOr<crypto::SecretBuffer> secret = ReadKeyringSecret(item);
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(secret->Reveal(), kCanary);
}

TEST(KeyringTest, AMissingItemIsNotFoundSayingHowToStoreIt) {
  StatusOr<crypto::SecretBuffer> secret = ReadKeyringSecret({"aurite-test", "missing"});
  EXPECT_EQ(secret.status().code(), StatusCode::kNotFound);
  EXPECT_NE(secret.status().message().find("aurite secret set aurite-test/missing"),
            std::string::npos)
      << secret.status().message();
}

TEST(KeyringTest, SecretSetStoresFromStdinAndNeverPrintsIt) {
  CommandOutput run =
      RunCommand(ShellQuote(AURITE_BINARY) + " secret set aurite-test/from-cli", kCanary);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("${keyring:aurite-test/from-cli}"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(kCanary), std::string::npos);
  EXPECT_EQ(SecretTool("lookup service aurite-test account from-cli"), kCanary);
}

TEST(KeyringTest, WithoutASecretServiceTheCommandSaysSoAndExitsAtOnce) {
  CommandOutput run = RunCommand("DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus " +
                                     ShellQuote(AURITE_BINARY) + " secret set aurite-test/nobus",
                                 kCanary);
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("no Secret Service answers"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(kCanary), std::string::npos);
}

TEST(KeyringTest, AKeyringReferenceExpandsToTheItemsSecret) {
  SecretTool("store --label=test service aurite-test account orders-db", kCanary);
  StatusOr<crypto::SecretBuffer> expanded =
      host::ExpandSecretReferences("postgresql://app:${keyring:aurite-test/orders-db}@db/orders",
                                   host::SystemReferenceSources());
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  EXPECT_EQ(expanded->Reveal(), std::string("postgresql://app:") + kCanary + "@db/orders");
  StatusOr<crypto::SecretBuffer> missing =
      host::ExpandSecretReferences("${keyring:aurite-test/absent}", host::SystemReferenceSources());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("${keyring:aurite-test/absent}"), std::string::npos)
      << missing.status().message();
}

TEST(KeyringTest, TheGatewayTakesAKeyringPasswordAndShowsItNowhere) {
  // The real `aurite serve` with a named PostgreSQL connection whose
  // password is a keyring item, to a port where nothing listens: the
  // connect fails with a clear error, and the password is in no result,
  // error, log, audit line, argv or environment of the gateway or its
  // servers.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("aurite-keyring-e2e-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  SecretTool("store --label=test service aurite-test account db-password", kCanary);
  mcp::Json config = e2e::BaseConfig(dir);
  config["connections"] = {
      {"orders",
       {{"storage_type", "postgresql"},
        {"connection_string",
         "postgresql://app:${keyring:aurite-test/db-password}@127.0.0.1:1/orders"}}}};
  const char* bus = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  ASSERT_NE(bus, nullptr) << "keyring_test_main starts a session bus";
  auto gateway = e2e::GatewayProcess::Start(dir, config, e2e::NewKey(), {},
                                            {std::string("DBUS_SESSION_BUS_ADDRESS=") + bus});
  ASSERT_NE(gateway, nullptr);
  mcp::Json connected = gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_name", "orders"}});
  EXPECT_TRUE(connected.value("isError", false)) << connected.dump();
  EXPECT_NE(connected.dump().find("could not connect"), std::string::npos) << connected.dump();
  std::vector<pid_t> processes = e2e::ChildrenOf(gateway->pid());
  processes.push_back(gateway->pid());
  for (pid_t process : processes) {
    for (const char* file : {"cmdline", "environ"}) {
      EXPECT_EQ(e2e::ProcFile(process, file).find(kCanary), std::string::npos)
          << "/proc/" << process << "/" << file;
    }
  }
  EXPECT_EQ(gateway->received().find(kCanary), std::string::npos);
  gateway->Stop();
  EXPECT_EQ(e2e::ReadFile(dir / "host.log").find(kCanary), std::string::npos);
  EXPECT_EQ(e2e::ReadFile(dir / "audit.jsonl").find(kCanary), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Last: the keyring stays locked (each test has a keyring of its own under
// ctest; run directly, the tests share one).
TEST(KeyringTest, ALockedKeyringIsAClearErrorAtOnce) {
  SecretTool("store --label=test service aurite-test account locked", kCanary);
  // Locked as a screen locker does, over D-Bus (no prompt can unlock it here).
  CommandOutput lock = RunCommand(
      "gdbus call --session --dest org.freedesktop.secrets --object-path "
      "/org/freedesktop/secrets --method org.freedesktop.Secret.Service.Lock "
      "\"[objectpath '/org/freedesktop/secrets/collection/login']\"");
  ASSERT_EQ(lock.exit_status, 0) << lock.err;
  const auto started = std::chrono::steady_clock::now();
  StatusOr<crypto::SecretBuffer> secret = ReadKeyringSecret({"aurite-test", "locked"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, kKeyringTimeout);
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.status().message().find("locked"), std::string::npos)
      << secret.status().message();
  EXPECT_EQ(secret.status().message().find(kCanary), std::string::npos);
  // Unlocked again for the tests after this one.
  RunCommand(
      "printf aurite-test-keyring | gnome-keyring-daemon --unlock --components=secrets "
      "--replace >/dev/null");
}

}  // namespace
}  // namespace aurite::secrets
