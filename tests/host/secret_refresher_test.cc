// SecretRefresher with real files as the store: a changed secret is used
// from then on and audited without its value, a store that goes away keeps
// the last good value with a warning, max_age ends that, and a store that
// comes back heals it.
#include "host/secret_refresher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/fake_environment.h"
#include "security/audit_log.h"

namespace aurite::host {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::string_view kFirst = "canary-first-pw-0c4f";
constexpr std::string_view kSecond = "canary-second-pw-9d21";

class SecretRefresherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aurite-refresher-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    security::SecurityManagerOptions options;
    StatusOr<std::unique_ptr<security::AuditLog>> log =
        security::AuditLog::Open(dir_ / "audit.jsonl");
    ASSERT_TRUE(log.ok()) << log.status().message();
    options.audit_log = std::move(log).value();
    StatusOr<std::unique_ptr<security::SecurityManager>> manager =
        security::SecurityManager::Create(std::move(options));
    ASSERT_TRUE(manager.ok()) << manager.status().message();
    manager_ = std::move(manager).value();
    refresher_ = std::make_unique<SecretRefresher>(*manager_, [this] { return now_; });
    WritePassword(kFirst);
  }
  void TearDown() override {
    refresher_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path PasswordFile() const { return dir_ / "password"; }
  void WritePassword(std::string_view password) { std::ofstream(PasswordFile()) << password; }

  // Adds connection "orders" with the password file read every 10 s.
  void AddOrders(const std::string& options = "refresh=10s") {
    const std::string raw =
        "postgresql://app:${file(" + options + "):" + PasswordFile().string() + "}@db/orders";
    StatusOr<ExpandedSecret> expanded = ExpandRefreshableSecretReferences(raw, fake_.sources());
    ASSERT_TRUE(expanded.ok()) << expanded.status().message();
    ASSERT_TRUE(expanded->refresh.has_value());
    refresher_->Add("orders", std::move(expanded->value), *expanded->refresh);
  }
  std::string Current() {
    StatusOr<crypto::SecretBuffer> current = refresher_->Current("orders");
    if (!current.ok()) return "error: " + current.status().message();
    return std::string(current->Reveal());
  }
  static std::string With(std::string_view password) {
    return "postgresql://app:" + std::string(password) + "@db/orders";
  }
  void Advance(seconds by) {
    now_ += by;
    refresher_->RefreshDue(now_);
  }
  std::string Audit() const {
    std::ifstream in(dir_ / "audit.jsonl");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static std::size_t Count(const std::string& text, std::string_view what) {
    std::size_t count = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
      ++count;
    }
    return count;
  }

  std::filesystem::path dir_;
  TimePoint now_ = std::chrono::system_clock::now();
  FakeEnvironment fake_;
  std::unique_ptr<security::SecurityManager> manager_;
  std::unique_ptr<SecretRefresher> refresher_;
};

TEST_F(SecretRefresherTest, ChangedSecretIsUsedAfterTheNextRefreshAndAuditedWithoutItsValue) {
  AddOrders();
  EXPECT_EQ(Current(), With(kFirst));
  WritePassword(kSecond);
  Advance(seconds(5));  // not due yet
  EXPECT_EQ(Current(), With(kFirst));
  Advance(seconds(5));
  EXPECT_EQ(Current(), With(kSecond));
  const std::string audit = Audit();
  EXPECT_EQ(Count(audit, "\"secret_refreshed\""), 1u) << audit;
  EXPECT_NE(audit.find("\"connection\":\"orders\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("${file:" + PasswordFile().string() + "}"), std::string::npos) << audit;
  EXPECT_EQ(audit.find(kFirst), std::string::npos);
  EXPECT_EQ(audit.find(kSecond), std::string::npos);
}

TEST_F(SecretRefresherTest, UnchangedSecretIsNotAudited) {
  AddOrders();
  Advance(seconds(10));
  Advance(seconds(10));
  EXPECT_EQ(Current(), With(kFirst));
  EXPECT_EQ(Audit().find("secret_re"), std::string::npos) << Audit();
}

TEST_F(SecretRefresherTest, StoreGoneKeepsTheLastGoodValueAndAuditsTheFailure) {
  AddOrders();
  std::filesystem::remove(PasswordFile());
  Advance(seconds(10));
  EXPECT_EQ(Current(), With(kFirst));
  const std::string audit = Audit();
  EXPECT_EQ(Count(audit, "\"secret_refresh_failed\""), 1u) << audit;
  EXPECT_NE(audit.find("cannot be read"), std::string::npos) << audit;
  EXPECT_EQ(audit.find(kFirst), std::string::npos);
}

TEST_F(SecretRefresherTest, WithoutMaxAgeTheLastGoodValueStaysForever) {
  AddOrders();
  std::filesystem::remove(PasswordFile());
  Advance(seconds(86'400 * 30));
  EXPECT_EQ(Current(), With(kFirst));
}

TEST_F(SecretRefresherTest, MaxAgeEndsTheLastGoodValueUntilTheStoreIsBack) {
  AddOrders("refresh=10s,max_age=30s");
  std::filesystem::remove(PasswordFile());
  Advance(seconds(10));
  Advance(seconds(10));
  Advance(seconds(10));
  EXPECT_EQ(Current(), With(kFirst)) << "30 s is not yet longer than max_age";
  Advance(seconds(10));
  const std::string expired = Current();
  EXPECT_TRUE(expired.starts_with("error: connections.orders: ${file:")) << expired;
  EXPECT_NE(expired.find("max_age of 30 s"), std::string::npos) << expired;
  EXPECT_NE(expired.find("cannot be read"), std::string::npos) << expired;
  EXPECT_EQ(expired.find(kFirst), std::string::npos);
  Advance(seconds(10));
  EXPECT_EQ(Count(Audit(), "\"secret_expired\""), 1u) << "audited once, not per attempt";
  WritePassword(kSecond);
  Advance(seconds(10));
  EXPECT_EQ(Current(), With(kSecond));
}

TEST_F(SecretRefresherTest, UnknownConnectionIsNotFound) {
  EXPECT_EQ(refresher_->Current("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(SecretRefresherTest, BackgroundThreadRefreshesOnItsOwn) {
  refresher_ = std::make_unique<SecretRefresher>(*manager_);  // the real clock
  AddOrders("refresh=1s");
  refresher_->Start();
  WritePassword(kSecond);
  for (int i = 0; i < 100 && Current() != With(kSecond); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(Current(), With(kSecond));
  refresher_->Stop();
}

}  // namespace
}  // namespace aurite::host
