// The shared store's audit table and the host's log: the table's writer
// must not log while it holds the lock Record() takes.
//
// In `aurite serve` every log line is redacted under the SecurityManager's
// lock (InstallRedactingLoggers in cli/serve_command.cc), and
// SecurityManager::ResolveLocked holds that lock while it records the
// resolve: AuditLog::Record -> PostgresAuditTable::Record -> the table's
// lock. A writer that logged ("audit table: …; retrying", "… writing
// again") under the table's lock made the two threads wait on each other
// for ever, and the gateway answered nothing more (found after a store
// restart under load by StoreRestartTest in
// tests/e2e/cluster_faults_e2e_test.cc, about one run in three; fixed in
// 97be64a). This test shows that lock order every time.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "host/postgres_audit_table.h"
#include "host/postgres_store.h"
#include "postgres_store_fixture.h"
#include "runtime/spdlog_logger.h"
#include "security/redacting_sink.h"
#include "security/store_test_support.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

using namespace std::chrono_literals;

class AuditTableLockTest : public testing::OpenedStoreDatabaseTest {};

// The process's log with one more sink for the length of a test.
class ExtraLogSink {
 public:
  explicit ExtraLogSink(std::shared_ptr<spdlog::sinks::sink> sink) : sink_(std::move(sink)) {
    runtime::Logger().sinks().push_back(sink_);
  }
  ~ExtraLogSink() { std::erase(runtime::Logger().sinks(), sink_); }

 private:
  std::shared_ptr<spdlog::sinks::sink> sink_;
};

TEST_F(AuditTableLockTest, RecordIsNotHeldUpByTheWriterLogging) {
  std::mutex manager_lock;  // stands for the SecurityManager's
  std::atomic<bool> logging{false};
  // As `aurite serve` installs it: each line redacted under the manager's lock.
  ExtraLogSink redacting(std::make_shared<security::RedactingSink>(
      std::make_shared<spdlog::sinks::null_sink_mt>(), [&](std::string_view text) {
        logging = true;
        std::lock_guard lock(manager_lock);
        return std::string(text);
      }));
  auto config = sql::ParseConnectionString(url_);
  ASSERT_TRUE(config.ok());
  auto chain = PostgresAuditTable::Start(*config, "gw-1");
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();

  // A resolve is in progress: it holds the manager's lock ...
  std::unique_lock held(manager_lock);
  // ... while the table cannot be written, so the writer logs that.
  testing::Unreachable(database_);
  ASSERT_TRUE((*chain)->Record({.event = "resolve"}).ok());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!logging && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(logging) << "the writer never logged that it cannot write";
  // The resolve records itself (SecurityManager::ResolveLocked -> AuditLog::Record).
  std::future<Status> recorded =
      std::async(std::launch::async, [&] { return (*chain)->Record({.event = "resolve"}); });
  const bool returned = recorded.wait_for(3s) == std::future_status::ready;
  held.unlock();  // what the deadlock would never do
  testing::Reachable(database_);
  EXPECT_TRUE(returned) << "Record() waited for the audit table's writer, which was logging "
                           "while holding the table's lock; with `aurite serve`'s redacting log "
                           "(the SecurityManager's lock, held by the resolve that records) the "
                           "two wait on each other for ever";
  EXPECT_TRUE(recorded.get().ok());
  EXPECT_TRUE((*chain)->Flush(10s));
}

}  // namespace
}  // namespace aurite::host
