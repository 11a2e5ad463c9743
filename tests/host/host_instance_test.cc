// HostInstance: a host that runs is seen running by another process; one
// that died (also by SIGKILL) is seen gone at once; ids are never paths.
#include "host/host_instance.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

namespace aurite::host {
namespace {

class HostInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aurite-host-instance-" + std::to_string(::getpid())) / "hosts";
  }
  void TearDown() override { std::filesystem::remove_all(dir_.parent_path()); }

  // Forks a child that claims an instance, reports its id through a pipe
  // and then sleeps until killed. Returns {pid, id}.
  std::pair<pid_t, std::string> ChildHost() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      StatusOr<std::unique_ptr<HostInstance>> instance = HostInstance::Claim(dir_);
      std::string id = instance.ok() ? (*instance)->id() : "";
      (void)!::write(fds[1], id.data(), id.size());
      ::close(fds[1]);
      ::pause();
      ::_exit(0);
    }
    ::close(fds[1]);
    char buffer[64] = {};
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    ::close(fds[0]);
    return {pid, std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0)};
  }

  std::filesystem::path dir_;
};

TEST_F(HostInstanceTest, AnotherProcessIsRunningUntilKilled) {
  StatusOr<std::unique_ptr<HostInstance>> self = HostInstance::Claim(dir_);
  ASSERT_TRUE(self.ok()) << self.status().message();
  auto [pid, other] = ChildHost();
  ASSERT_EQ(other.size(), 32u);
  EXPECT_NE(other, (*self)->id());
  EXPECT_TRUE((*self)->IsRunning(other));
  EXPECT_TRUE((*self)->IsRunning((*self)->id()));
  // A running host's lock file survives Forget.
  (*self)->Forget(other);
  EXPECT_TRUE(std::filesystem::exists(dir_ / (other + ".lock")));

  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_FALSE((*self)->IsRunning(other));
  (*self)->Forget(other);
  EXPECT_FALSE(std::filesystem::exists(dir_ / (other + ".lock")));
}

TEST_F(HostInstanceTest, UnknownAndMalformedIdsAreNotRunning) {
  StatusOr<std::unique_ptr<HostInstance>> self = HostInstance::Claim(dir_);
  ASSERT_TRUE(self.ok());
  EXPECT_FALSE((*self)->IsRunning("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE((*self)->IsRunning("../../etc/passwd"));
  EXPECT_FALSE((*self)->IsRunning(""));
}

TEST_F(HostInstanceTest, TheLockFileGoesWithTheInstanceAndTheFolderIsPrivate) {
  std::string id;
  {
    StatusOr<std::unique_ptr<HostInstance>> self = HostInstance::Claim(dir_);
    ASSERT_TRUE(self.ok());
    id = (*self)->id();
    EXPECT_TRUE(std::filesystem::exists(dir_ / (id + ".lock")));
    EXPECT_EQ(std::filesystem::status(dir_).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_all);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / (id + ".lock")));
}

}  // namespace
}  // namespace aurite::host
