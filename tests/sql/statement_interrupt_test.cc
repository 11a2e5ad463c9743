// StatementInterrupt: cancels only a running statement, repeats the cancel
// until the statement ends, and refuses new statements until cleared.
#include "sql/statement_interrupt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace aurite::sql {
namespace {

using namespace std::chrono_literals;

TEST(StatementInterruptTest, WithoutARunningStatementNothingIsCancelledButStartRefuses) {
  std::atomic<int> cancels{0};
  StatementInterrupt interrupt([&] { ++cancels; }, 1ms);
  interrupt.Interrupt();
  EXPECT_EQ(cancels, 0);
  EXPECT_TRUE(interrupt.interrupted());
  EXPECT_FALSE(interrupt.Start());
  interrupt.Clear();
  EXPECT_FALSE(interrupt.interrupted());
  ASSERT_TRUE(interrupt.Start());
  interrupt.Finish();
  EXPECT_EQ(cancels, 0);
}

// The first cancel may reach the server before the statement does; the
// interrupt keeps cancelling until the statement has finished.
TEST(StatementInterruptTest, RepeatsTheCancelUntilTheStatementFinishes) {
  std::atomic<int> cancels{0};
  StatementInterrupt interrupt([&] { ++cancels; }, 1ms);
  ASSERT_TRUE(interrupt.Start());
  std::thread interrupter([&] { interrupt.Interrupt(); });
  // Bounded, so a broken build cannot hang.
  for (int i = 0; i < 5000 && cancels < 3; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_GE(cancels, 3);
  interrupt.Finish();
  interrupter.join();
  int after_finish = cancels;
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(cancels, after_finish);
  EXPECT_FALSE(interrupt.Start());
}

TEST(StatementInterruptTest, ScopeRunsOnlyWhenNotInterruptedAndFinishesOnExit) {
  std::atomic<int> cancels{0};
  StatementInterrupt interrupt([&] { ++cancels; }, 1ms);
  {
    StatementInterrupt::Scope running(interrupt);
    EXPECT_TRUE(running.ok());
  }
  // The scope finished the statement, so this returns without cancelling.
  interrupt.Interrupt();
  EXPECT_EQ(cancels, 0);
  StatementInterrupt::Scope refused(interrupt);
  EXPECT_FALSE(refused.ok());
}

}  // namespace
}  // namespace aurite::sql
