// Tests of ChildProcess beyond what the stdio transport tests cover: a child
// that ignores SIGTERM is killed (runtime_test_child ignore-term).
#include "runtime/child_process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>

#include "runtime/line_reader.h"

namespace aurite::runtime {
namespace {

using namespace std::chrono_literals;

TEST(ChildProcess, StubbornChildIsKilled) {
  SpawnOptions spawn;
  spawn.program = RUNTIME_TEST_CHILD;
  spawn.arguments = {"ignore-term"};
  auto child = ChildProcess::Spawn(spawn);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  LineReader ready((*child)->stdout_fd(), 64);
  auto line = ready.Next();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->line, "ready");
  int status = (*child)->Shutdown(100ms);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace
}  // namespace aurite::runtime
