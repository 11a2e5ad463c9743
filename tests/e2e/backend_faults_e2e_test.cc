// End-to-end fault injection on the gateway's backends (SQLite only, so no
// database fixture): an `aurite sql-server` stopped with SIGSTOP (a hang),
// and one behind a wrapper that writes garbage on its stdout. Each call gets
// a clear answer within the server's timeout, the broken server is replaced,
// and the other server (the probe) is served throughout. (SIGKILL mid-query
// is in gateway_e2e_test.cc.)
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

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

  // The probe server answers: the other backend is unaffected.
  static void ExpectProbeServed(GatewayProcess& gateway) {
    Json pid = gateway.Call("probe_pid", Json::object());
    EXPECT_TRUE(Structured(pid).contains("pid")) << pid.dump();
  }
};

TEST_F(BackendFaultsTest, AHungSqlServerTimesOutAtItsTimeoutAndIsReplaced) {
  auto gateway = StartGateway(Config());
  ASSERT_NE(gateway, nullptr);
  std::string id = Structured(Connect(*gateway, SampleDatabase())).value("connection_id", "");
  ASSERT_FALSE(id.empty());
  const pid_t hung = SqlServer(*gateway);
  ASSERT_NE(hung, 0);
  ASSERT_EQ(::kill(hung, SIGSTOP), 0);

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
  Json rows;
  for (int attempt = 0; attempt < 50; ++attempt) {
    rows = Query(*gateway, id);
    if (!rows.value("isError", true)) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(Structured(rows).dump().find("apple"), std::string::npos) << rows.dump();
  EXPECT_NE(ReadFile(dir_ / "host.log").find("did not answer a ping"), std::string::npos);
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
