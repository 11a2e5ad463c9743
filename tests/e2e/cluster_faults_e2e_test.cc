// End-to-end: faults in a cluster of three `aurite serve` instances on one
// PostgreSQL store behind HAProxy (cluster_fixture.h), each under a bounded
// load of stateless (2026-07-28) clients through the balancer:
//  - `kill -9` of an instance: only the calls it had in flight may fail,
//    every later one is served by the others, and once restarted on its
//    port it serves again;
//  - the store's PostgreSQL restarted: while it is down, tokens are refused
//    with an error naming the store (fail closed); a token revoked just
//    before never resolves again; every instance serves again within 5 s
//    of the server's return.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cluster_fixture.h"
#include "mcp/transport/http_client.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

constexpr int kClientThreads = 4;
// How soon after the store's server is back every instance must serve again.
constexpr auto kRecoveryBound = std::chrono::seconds(5);
// Bounds on waits for conditions, far above what they take, so a stuck
// cluster fails the test instead of hanging it.
constexpr auto kConditionDeadline = std::chrono::seconds(20);

// Calls of `records` that started at or after `from` (and before `to`).
std::vector<CallRecord> StartedBetween(
    const std::vector<CallRecord>& records, ClusterClock::time_point from,
    ClusterClock::time_point to = ClusterClock::time_point::max()) {
  std::vector<CallRecord> picked;
  for (const CallRecord& record : records) {
    if (record.start >= from && record.start < to) picked.push_back(record);
  }
  return picked;
}

// Waits until `load` has made `count` calls that started at or after `from`.
bool AwaitCalls(const LoadRun& load, ClusterClock::time_point from, std::size_t count) {
  return PollWithin(ClusterClock::now(), kConditionDeadline,
                    [&] { return StartedBetween(load.Snapshot(), from).size() >= count; });
}

std::string Describe(const std::vector<CallRecord>& records, ClusterClock::time_point origin) {
  std::string text;
  for (const CallRecord& record : records) {
    if (text.size() > 2000) break;
    text += "  +" + std::to_string(static_cast<int>(MillisecondsBetween(origin, record.start))) +
            " ms [" + record.instance + "] " + (record.ok ? "ok" : record.error) + "\n";
  }
  return text;
}

std::vector<CallRecord> Failed(const std::vector<CallRecord>& records) {
  std::vector<CallRecord> failed;
  std::copy_if(records.begin(), records.end(), std::back_inserter(failed),
               [](const CallRecord& record) { return !record.ok; });
  return failed;
}

TEST_F(ClusterTest, AKilledInstanceCostsOnlyItsCallsInFlightAndRejoinsWhenRestarted) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(3));
  const std::string token = SecureWithCli(sample_);
  ASSERT_FALSE(token.empty());
  const ClusterClock::time_point origin = ClusterClock::now();
  LoadRun load(kClientThreads, [&] { return ConnectWithToken(balancer_->port(), token); });
  ASSERT_TRUE(AwaitCalls(load, origin, 100));

  const std::uint16_t port = instances_[1]->port();
  const ClusterClock::time_point killed = ClusterClock::now();
  instances_[1]->Kill();  // returns once the process is gone and its sockets closed
  const ClusterClock::time_point dead = ClusterClock::now();
  // Until HAProxy's check (every 200 ms, one failure) takes g2 out, a
  // connection it refuses is sent to another instance (retry-on
  // conn-failure, redispatch); then g2 gets no more calls. Both phases
  // carry load.
  EXPECT_TRUE(PollWithin(dead, kConditionDeadline, [&] {
    return ReadFile(dir_ / "haproxy.log").find("Server gateways/g2 is DOWN") != std::string::npos;
  })) << "HAProxy's health check never took the dead instance out";
  const ClusterClock::time_point out = ClusterClock::now();
  ASSERT_TRUE(AwaitCalls(load, out, 60));

  const ClusterClock::time_point restarting = ClusterClock::now();
  ASSERT_NO_FATAL_FAILURE(StartInstance(1, port));
  const ClusterClock::time_point restarted = ClusterClock::now();
  // The check finds the port open again (one success), and g2 gets its turn.
  ClusterClock::time_point rejoined{};
  EXPECT_TRUE(PollWithin(restarted, kConditionDeadline, [&] {
    for (const CallRecord& record : StartedBetween(load.Snapshot(), restarted)) {
      if (record.instance == "g2" && record.ok) {
        rejoined = record.end;
        return true;
      }
    }
    return false;
  })) << "the restarted instance never served again";
  ASSERT_TRUE(AwaitCalls(load, rejoined, 30));
  const std::vector<CallRecord> records = load.Stop();

  // Before the kill every call was answered; those it caught in flight
  // (started before the process was gone, ended after the kill) may fail.
  std::vector<CallRecord> steady;
  for (const CallRecord& record : records) {
    if (record.end < killed) steady.push_back(record);
  }
  EXPECT_TRUE(Failed(steady).empty()) << Describe(Failed(steady), origin);
  const std::vector<CallRecord> after = StartedBetween(records, dead);
  EXPECT_TRUE(Failed(after).empty()) << "calls that started after the kill failed:\n"
                                     << Describe(Failed(after), origin);
  std::set<std::string> while_down;
  for (const CallRecord& record : StartedBetween(records, dead, restarting)) {
    while_down.insert(record.instance);
  }
  EXPECT_EQ(while_down, (std::set<std::string>{"g1", "g3"}));
  std::size_t in_flight = 0;
  for (const CallRecord& record : Failed(StartedBetween(records, origin, dead))) {
    if (record.end >= killed) ++in_flight;
  }
  RecordProperty("calls", std::to_string(records.size()));
  RecordProperty("failed_in_flight", std::to_string(in_flight));
  RecordProperty("taken_out_after_ms", std::to_string(MillisecondsBetween(dead, out)));
  RecordProperty("rejoin_ms", std::to_string(MillisecondsBetween(restarted, rejoined)));
  EXPECT_LE(in_flight, static_cast<std::size_t>(kClientThreads))
      << "more calls failed than were in flight:\n"
      << Describe(Failed(records), origin);
}

class StoreRestartTest : public OwnServerClusterTest {};

TEST_F(StoreRestartTest, WhileTheStoreRestartsTokensAreRefusedAndARevokedOneNeverReturns) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(3));
  const std::string token = SecureWithCli(sample_);
  const std::string doomed = SecureWithCli(sample_);
  ASSERT_FALSE(token.empty());
  ASSERT_FALSE(doomed.empty());
  // Every instance holds both tokens (found in the store on first use), so
  // a stale copy is what would let the revoked one through later.
  for (const auto& instance : instances_) {
    for (const std::string* which : {&token, &doomed}) {
      StatelessAnswer answer = ConnectWithToken(instance->port(), *which);
      ASSERT_TRUE(answer.ok()) << answer.error();
    }
  }
  const ClusterClock::time_point origin = ClusterClock::now();
  LoadRun load(kClientThreads, [&] { return ConnectWithToken(balancer_->port(), token); });
  ASSERT_TRUE(AwaitCalls(load, origin, 20));

  // Revoked through the balancer (a session's disconnect_storage revokes
  // the connection's token), right before the store goes away.
  mcp::HttpClientOptions options;
  options.port = balancer_->port();
  mcp::HttpClient session(std::move(options));
  ASSERT_TRUE(session.client().Initialize().ok());
  mcp::RpcResult opened = session.client().CallTool(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", doomed}});
  ASSERT_TRUE(opened.ok());
  mcp::RpcResult closed = session.client().CallTool(
      "disconnect_storage", {{"connection_id", Structured(opened.value())["connection_id"]}});
  ASSERT_TRUE(closed.ok());
  ASSERT_EQ(Structured(closed.value()).value("token_revoked", false), true);
  const ClusterClock::time_point revoked = ClusterClock::now();
  LoadRun probes(1, [&] { return ConnectWithToken(balancer_->port(), doomed); });

  const ClusterClock::time_point restart = ClusterClock::now();
  testing::CommandOutput restarted = Harness("restart");
  ASSERT_EQ(restarted.exit_status, 0) << restarted.err;
  const ClusterClock::time_point up = ClusterClock::now();

  // Each instance, addressed directly, serves again within the bound. One
  // that accepts connections but answers nothing is wedged: the rest of
  // the test would only repeat that.
  ClusterClock::time_point recovered = up;
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    StatelessAnswer last;
    const bool back = PollWithin(up, kRecoveryBound, [&] {
      last = ConnectWithToken(instances_[i]->port(), token);
      return last.ok();
    });
    ASSERT_NE(last.http, 0) << "g" << i + 1
                            << " answers nothing since the store came back (wedged; its stacks "
                               "tell why): "
                            << ReadFile(InstanceDir(i) / "host.log");
    EXPECT_TRUE(back) << "g" << i + 1 << " still refuses tokens " << kRecoveryBound.count()
                      << " s after the store came back: " << last.error();
    recovered = std::max(recovered, ClusterClock::now());
    StatelessAnswer refused = ConnectWithToken(instances_[i]->port(), doomed);
    EXPECT_NE(refused.error().find("does not know this token"), std::string::npos)
        << "g" << i + 1 << ": " << (refused.ok() ? "the revoked token resolved" : refused.error());
  }
  ASSERT_TRUE(AwaitCalls(load, recovered, 20));
  const std::vector<CallRecord> records = load.Stop();
  const std::vector<CallRecord> probed = probes.Stop();

  EXPECT_TRUE(Failed(StartedBetween(records, origin, restart)).empty())
      << Describe(Failed(records), origin);
  // Fail closed, and saying why: every refusal names the unreachable store,
  // and none happens once every instance is back.
  const std::vector<CallRecord> refused = Failed(records);
  EXPECT_FALSE(refused.empty()) << "no call was refused while the store was down";
  std::vector<CallRecord> unclear;
  for (const CallRecord& record : refused) {
    if (record.error.find("credential store") == std::string::npos || record.end < restart ||
        record.start >= recovered) {
      unclear.push_back(record);
    }
  }
  EXPECT_TRUE(unclear.empty()) << "refusals outside the restart, or not naming the store:\n"
                               << Describe(unclear, origin);
  const std::vector<CallRecord> after = StartedBetween(records, recovered);
  EXPECT_TRUE(Failed(after).empty()) << Describe(Failed(after), origin);
  // The other instances learn of the revocation from the store's
  // notification, within milliseconds (the bound of cluster_e2e_test.cc);
  // once the store is back, no instance may resolve it, whatever the
  // restart did to that notification.
  EXPECT_FALSE(probed.empty());
  int early = 0;
  for (const CallRecord& probe : probed) {
    if (!probe.ok) continue;
    const bool propagating = probe.start < revoked + kRevocationBound && probe.start < up;
    early += propagating ? 1 : 0;
    EXPECT_TRUE(propagating) << "the revoked token resolved through " << probe.instance << " "
                             << MillisecondsBetween(revoked, probe.start)
                             << " ms after its revocation (the store was back "
                             << MillisecondsBetween(revoked, up) << " ms after it)";
  }
  RecordProperty("revoked_resolved_while_propagating", std::to_string(early));
  RecordProperty("calls", std::to_string(records.size()));
  RecordProperty("refused_while_down", std::to_string(refused.size()));
  RecordProperty("store_restart_ms", std::to_string(MillisecondsBetween(restart, up)));
  RecordProperty("recovered_after_ms", std::to_string(MillisecondsBetween(up, recovered)));
}

}  // namespace
}  // namespace aurite::e2e
