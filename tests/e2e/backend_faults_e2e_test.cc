// End-to-end fault injection on the gateway's backends (SQLite only, so no
// database fixture): an `aurite sql-server` stopped with SIGSTOP (a hang,
// with and without its stdin pipe filled), and one behind a wrapper that writes garbage on its
// stdout. Each call gets a clear answer within the server's timeout, the broken server is replaced,
// and the other server (the probe) is served throughout. (SIGKILL mid-query
// is in gateway_e2e_test.cc.)
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "gateway_process.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using namespace std::chrono_literals;

class BackendFaultsTest : public GatewayTestBase {
 protected:
  // BaseConfig with the SQL server's timeout at 1 s and, when `wrapper` is
  // set, the SQL server started through that shell script (run with the
  // aurite binary as $0 and `sql-server --allow-writes` as its arguments).
  Json Config(const std::string& wrapper = "") {
    Json config = BaseConfig(dir_);
    config["mcpServers"]["sql"]["timeout"] = "1s";
    if (!wrapper.empty()) {
      config["mcpServers"]["sql"]["command"] = "/bin/sh";
      config["mcpServers"]["sql"]["args"] = {"-c", wrapper, AURITE_BINARY, "sql-server",
                                             "--allow-writes"};
    }
    return config;
  }

  static pid_t SqlServer(GatewayProcess& gateway) {
    for (pid_t child : ChildrenOf(gateway.pid())) {
      if (ProcFile(child, "cmdline").find("sql-server") != std::string::npos) return child;
    }
    return 0;
  }

  // The SQL server running in place of `gone`, waiting up to 15 s for it.
  static pid_t Replacement(GatewayProcess& gateway, pid_t gone) {
    for (int attempt = 0; attempt < 150; ++attempt) {
      pid_t now = SqlServer(gateway);
      if (now != 0 && now != gone) return now;
      std::this_thread::sleep_for(100ms);
    }
    return 0;
  }

  static Json Connect(GatewayProcess& gateway, const std::string& database) {
    return gateway.Call("connect_storage",
                        {{"storage_type", "sqlite"}, {"connection_string", database}});
  }

  static Json Query(GatewayProcess& gateway, const std::string& id) {
    return gateway.Call("query_storage",
                        {{"connection_id", id}, {"query", "SELECT name FROM items ORDER BY id"}});
  }

  // SIGSTOP, then waits until every thread of `pid` has stopped (state T):
  // the signal is delivered asynchronously, and a thread that runs on for a
  // moment could still answer a call.
  static bool StopProcess(pid_t pid) {
    if (::kill(pid, SIGSTOP) != 0) return false;
    for (int attempt = 0; attempt < 500; ++attempt) {
      const std::string stat = ProcFile(pid, "stat");
      const std::size_t close = stat.rfind(')');
      if (close != std::string::npos && stat.compare(close + 2, 1, "T") == 0) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  struct StoppedSqlServer {
    std::unique_ptr<GatewayProcess> gateway;
    std::string id;  // a connection open on the SQL server
    pid_t pid = 0;   // the SQL server, stopped
  };
  // A gateway on `config` with a connection open on its SQL server, which is
  // then stopped; a null gateway or a zero pid when a step failed.
  StoppedSqlServer StartWithStoppedSqlServer(const Json& config) {
    StoppedSqlServer started;
    started.gateway = StartGateway(config);
    if (!started.gateway) return started;
    started.id = Structured(Connect(*started.gateway, SampleDatabase())).value("connection_id", "");
    const pid_t pid = SqlServer(*started.gateway);
    EXPECT_FALSE(started.id.empty());
    EXPECT_NE(pid, 0);
    if (!started.id.empty() && pid != 0 && StopProcess(pid)) started.pid = pid;
    return started;
  }

  // Query() once the replaced server answers again (within 5 s).
  static Json QueryOnceBack(GatewayProcess& gateway, const std::string& id) {
    Json rows;
    for (int attempt = 0; attempt < 50; ++attempt) {
      rows = Query(gateway, id);
      if (!rows.value("isError", true)) break;
      std::this_thread::sleep_for(100ms);
    }
    return rows;
  }

  // The probe server answers: the other backend is unaffected.
  static void ExpectProbeServed(GatewayProcess& gateway) {
    Json pid = gateway.Call("probe_pid", Json::object());
    EXPECT_TRUE(Structured(pid).contains("pid")) << pid.dump();
  }
};

TEST_F(BackendFaultsTest, AHungSqlServerTimesOutAtItsTimeoutAndIsReplaced) {
  StoppedSqlServer started = StartWithStoppedSqlServer(Config());
  ASSERT_TRUE(started.gateway && started.pid != 0);
  auto& gateway = started.gateway;
  const std::string& id = started.id;
  const pid_t hung = started.pid;

  const auto asked = std::chrono::steady_clock::now();
  const std::string error = ErrorText(Query(*gateway, id));
  const auto waited = std::chrono::steady_clock::now() - asked;
  EXPECT_NE(error.find("did not answer within its timeout of 1 s (mcpServers.sql.timeout)"),
            std::string::npos)
      << error;
  // At its timeout: not before, and not long after (a bound, not a speed test).
  EXPECT_GE(waited, 1s);
  EXPECT_LT(waited, 10s);
  ExpectProbeServed(*gateway);

  // It did not answer a ping either: it is killed and started again, and the
  // same connection id works on the new one.
  const pid_t replacement = Replacement(*gateway, hung);
  ASSERT_NE(replacement, 0) << "the hung server was not replaced\n" << ReadFile(dir_ / "host.log");
  EXPECT_EQ(ProcFile(hung, "cmdline").find("sql-server"), std::string::npos)
      << "the hung server is still there";
  Json rows = QueryOnceBack(*gateway, id);
  EXPECT_NE(Structured(rows).dump().find("apple"), std::string::npos) << rows.dump();
  EXPECT_NE(ReadFile(dir_ / "host.log").find("did not answer a ping"), std::string::npos);
  ExpectProbeServed(*gateway);
}

// A stopped server whose stdin pipe fills up (queries bigger than the
// pipe): every call fails on time with a clear error instead of blocking in
// the write, a small call still times out on time while the pipe is full
// (the shared timer thread is not stuck), the other server answers
// throughout, and the stopped one is replaced (here its failed ping, 1 s,
// gives it away before the 5 s write deadline does; see the next test).
TEST_F(BackendFaultsTest, AStoppedServerWithAFullPipeFailsCallsOnTimeAndIsReplaced) {
  using Clock = std::chrono::steady_clock;
  StoppedSqlServer started = StartWithStoppedSqlServer(Config());
  ASSERT_TRUE(started.gateway && started.pid != 0);
  auto& gateway = started.gateway;
  const std::string& id = started.id;
  const pid_t stopped = started.pid;

  struct Outcome {
    std::string error;
    Clock::duration waited;
  };
  // Bounded on the test's side too, so that a gateway that blocks fails the
  // test instead of hanging it.
  mcp::CallOptions bounded;
  bounded.timeout = 20s;
  auto ask = [&](std::string query) {
    return std::async(std::launch::async, [&gateway, &id, &bounded, query] {
      const auto start = Clock::now();
      mcp::RpcResult result = gateway->client().CallTool(
          "query_storage", {{"connection_id", id}, {"query", query}}, bounded);
      const auto waited = Clock::now() - start;
      if (!result.ok()) return Outcome{"protocol error: " + result.error().message, waited};
      return Outcome{result.value()["content"][0].value("text", ""), waited};
    });
  };
  // Each one more than the 64 KiB pipe holds.
  const std::string big = "SELECT '" + std::string(100 * 1024, 'a') + "'";
  std::vector<std::future<Outcome>> big_calls;
  for (int i = 0; i < 3; ++i) big_calls.push_back(ask(big));
  std::this_thread::sleep_for(300ms);  // the pipe is full by now

  // (b) A small call times out at its 1 s, not at the write deadline.
  Outcome small = ask("SELECT name FROM items").get();
  EXPECT_NE(small.error.find("did not answer within its timeout of 1 s"), std::string::npos)
      << small.error;
  EXPECT_LT(small.waited, 3s);
  // (c) The other server is served while this one's pipe is full.
  ExpectProbeServed(*gateway);
  // (a) Each big call fails within its timeout + the write deadline + slack.
  for (auto& call : big_calls) {
    Outcome outcome = call.get();
    EXPECT_TRUE(outcome.error.find("did not answer within its timeout of 1 s") !=
                    std::string::npos ||
                outcome.error.find("has not read its input for 5 s") != std::string::npos)
        << outcome.error;
    EXPECT_LT(outcome.waited, 1s + 5s + 3s);
  }

  // (d) It is stopped and started again, and the same connection id works.
  const pid_t replacement = Replacement(*gateway, stopped);
  ASSERT_NE(replacement, 0) << "the stopped server was not replaced\n"
                            << ReadFile(dir_ / "host.log");
  EXPECT_EQ(ProcFile(stopped, "cmdline").find("sql-server"), std::string::npos)
      << "the stopped server is still there";
  Json rows = QueryOnceBack(*gateway, id);
  EXPECT_NE(Structured(rows).dump().find("apple"), std::string::npos) << rows.dump();
  ExpectProbeServed(*gateway);
}

// With a timeout longer than the write deadline, the full pipe itself gives
// the stopped server away: it is restarted as hung once it has read nothing
// for its write_timeout (2 s here, 5 s by default), and the call fails then,
// saying why, not at its 10 s timeout.
TEST_F(BackendFaultsTest, AServerThatLeavesItsFullPipeUnreadIsRestarted) {
  Json config = Config();
  config["mcpServers"]["sql"]["timeout"] = "10s";
  config["mcpServers"]["sql"]["write_timeout"] = "2s";
  StoppedSqlServer started = StartWithStoppedSqlServer(config);
  ASSERT_TRUE(started.gateway && started.pid != 0);
  auto& gateway = started.gateway;
  const std::string& id = started.id;
  const pid_t stopped = started.pid;

  const auto asked = std::chrono::steady_clock::now();
  const std::string error = ErrorText(gateway->Call(
      "query_storage",
      {{"connection_id", id}, {"query", "SELECT '" + std::string(100 * 1024, 'a') + "'"}}));
  const auto waited = std::chrono::steady_clock::now() - asked;
  EXPECT_NE(error.find("server 'sql' has not read its input for 2 s (it is stopped or hung); it "
                       "is being restarted"),
            std::string::npos)
      << error;
  EXPECT_GE(waited, 2s);
  EXPECT_LT(waited, 10s);
  ExpectProbeServed(*gateway);

  ASSERT_NE(Replacement(*gateway, stopped), 0) << ReadFile(dir_ / "host.log");
  Json rows = QueryOnceBack(*gateway, id);
  EXPECT_NE(Structured(rows).dump().find("apple"), std::string::npos) << rows.dump();
  const std::string log = ReadFile(dir_ / "host.log");
  EXPECT_NE(log.find("[sql] has not read its input for 2 s (it is stopped or hung); stopping it "
                     "to restart it"),
            std::string::npos)
      << log;
  ExpectProbeServed(*gateway);
}

// Lines that are no JSON-RPC (text, invalid UTF-8, an answer to a request
// never sent) among a server's answers are dropped; the answers still count.
TEST_F(BackendFaultsTest, GarbageLinesAmongABackendsAnswersAreSkipped) {
  const std::string wrapper =
      "\"$0\" \"$@\" | while IFS= read -r line; do "
      "printf '%s\\n' 'this is not JSON' '{\"jsonrpc\":\"2.0\",\"id\":987654,\"result\":{}}'; "
      "printf '\\377\\376 not UTF-8\\n'; printf '%s\\n' \"$line\"; done";
  auto gateway = StartGateway(Config(wrapper));
  ASSERT_NE(gateway, nullptr);
  std::string id = Structured(Connect(*gateway, SampleDatabase())).value("connection_id", "");
  ASSERT_FALSE(id.empty());
  Json rows = Query(*gateway, id);
  EXPECT_NE(Structured(rows).dump().find("pear"), std::string::npos) << rows.dump();
  ExpectProbeServed(*gateway);
  EXPECT_NE(ReadFile(dir_ / "host.log").find("rejected message"), std::string::npos);
}

// A server whose answers turn into garbage after start-up: the call fails
// at the timeout with a clear error, the server (which cannot answer a ping
// either) is restarted, and the gateway keeps serving the other server.
TEST_F(BackendFaultsTest, ABackendAnsweringGarbageFailsTheCallClearlyAndIsRestarted) {
  // Its first two lines (the answers to initialize and tools/list) pass.
  const std::string wrapper =
      "\"$0\" \"$@\" | awk 'NR <= 2 { print; fflush(); next } "
      "{ print \"garbage instead of an answer\"; fflush() }'";
  auto gateway = StartGateway(Config(wrapper));
  ASSERT_NE(gateway, nullptr);
  const pid_t first = SqlServer(*gateway);
  ASSERT_NE(first, 0);
  const std::string error = ErrorText(Connect(*gateway, SampleDatabase()));
  EXPECT_NE(error.find("did not answer within its timeout of 1 s"), std::string::npos) << error;
  ExpectProbeServed(*gateway);
  EXPECT_NE(Replacement(*gateway, first), 0) << ReadFile(dir_ / "host.log");
  ExpectProbeServed(*gateway);
  const std::string log = ReadFile(dir_ / "host.log");
  EXPECT_NE(log.find("rejected message"), std::string::npos) << log;
  EXPECT_NE(log.find("did not answer a ping"), std::string::npos) << log;
}

}  // namespace
}  // namespace aurite::e2e
