// ExecLogin: the command's output becomes the password of the connection's
// login, reused for `lifetime` and fetched again after it; a failing
// command is an error naming the connection, and a stale secret is never
// reused.
#include "credentials/exec_login.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sql/connection_string.h"

namespace aurite::credentials {
namespace {

using namespace std::chrono_literals;

class ExecLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aurite-exec-login-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A login whose command prints "token-<n>" where n counts its runs, and
  // fails once the file `fail` exists.
  ExecLogin MakeLogin() {
    const std::string count = (dir_ / "count").string();
    const std::string fail = (dir_ / "fail").string();
    ExecCredentials config;
    config.command = {"/bin/sh", "-c",
                      "test -e '" + fail + "' && exit 7; n=$(cat '" + count +
                          "' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '" + count +
                          "'; echo token-$n"};
    config.username = "iam-user@example.com";
    config.lifetime = 10min;
    config.timeout = 5s;
    return ExecLogin(
        "orders", std::move(config),
        crypto::SecretBuffer::CopyFrom("postgresql://127.0.0.1:5432/orders?sslmode=require"),
        {"PATH=/usr/bin:/bin"}, [this] { return now_; });
  }

  static std::string PasswordOf(const StatusOr<crypto::SecretBuffer>& login) {
    EXPECT_TRUE(login.ok()) << login.status().message();
    if (!login.ok()) return "";
    StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(login->Reveal());
    EXPECT_TRUE(parsed.ok());
    return parsed.ok() ? std::string(parsed->password.Reveal()) : "";
  }

  std::filesystem::path dir_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
};

TEST_F(ExecLoginTest, ReusesTheOutputForItsLifetimeThenRunsAgain) {
  ExecLogin login = MakeLogin();
  StatusOr<crypto::SecretBuffer> first = login.ConnectionString();
  EXPECT_EQ(PasswordOf(first), "token-1");
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(first->Reveal());
  EXPECT_EQ(parsed->user, "iam-user@example.com");
  now_ += 9min;
  EXPECT_EQ(PasswordOf(login.ConnectionString()), "token-1");
  now_ += 1min;
  EXPECT_EQ(PasswordOf(login.ConnectionString()), "token-2");
}

TEST_F(ExecLoginTest, AFailedRunIsAnErrorAndTheStaleTokenIsNotReused) {
  ExecLogin login = MakeLogin();
  EXPECT_EQ(PasswordOf(login.ConnectionString()), "token-1");
  std::ofstream(dir_ / "fail").put('x');
  now_ += 11min;
  StatusOr<crypto::SecretBuffer> failed = login.ConnectionString();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("connections.orders.credentials.command failed"),
            std::string::npos)
      << failed.status().message();
  EXPECT_EQ(failed.status().message().find("token-"), std::string::npos);
  // Still failing: no fallback to token-1.
  EXPECT_FALSE(login.ConnectionString().ok());
  std::filesystem::remove(dir_ / "fail");
  EXPECT_EQ(PasswordOf(login.ConnectionString()), "token-2");
}

}  // namespace
}  // namespace aurite::credentials
