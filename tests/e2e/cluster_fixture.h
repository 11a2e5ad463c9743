// Test support: several `aurite serve --transport http` instances sharing
// one credential store (security.store, a postgresql:// URL) behind a real
// HAProxy (Debian's haproxy, scripts/install-deps) on loopback: the
// deployment of docs/deployment.md.
//
// Each test gets a store of its own (a login and database on the harness's
// PostgreSQL, or a whole server from tests/harness/databases when it stops
// or restarts it: OwnServerClusterTest), and its own HAProxy in the
// foreground (`haproxy -db -f <generated config>`), never the system's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway_process.h"
#include "runtime/child_process.h"
#include "support/command_runner.h"
#include "support/poll_within.h"

namespace aurite::e2e {

using ClusterClock = std::chrono::steady_clock;
using testing::PollWithin;

// A revocation made through one instance must end the token on all of them
// within this long (the change feed's LISTEN/NOTIFY takes milliseconds).
inline constexpr auto kRevocationBound = std::chrono::milliseconds(1000);

// How HAProxy tells whether an instance may get requests: it accepts TCP
// connections, or its /readyz answers 200.
enum class HealthCheck { kTcp, kReadyz };

// The HAProxy configuration of docs/deployment.md for gateways on
// 127.0.0.1:`backends` (servers g1, g2, ...), listening on `front_port`:
// round robin for stateless 2026-07-28 requests, legacy sessions stuck to
// the instance that issued their Mcp-Session-Id, `check` health checks,
// Host names checked at the balancer (kPublicHostName and loopback ones),
// and the chosen server named in the X-Aurite-Instance response header.
std::string HaproxyConfig(std::uint16_t front_port, const std::vector<std::uint16_t>& backends,
                          HealthCheck check = HealthCheck::kTcp);

// HAProxy in the foreground on HaproxyConfig, its output in dir/haproxy.log.
class LoadBalancer {
 public:
  static std::unique_ptr<LoadBalancer> Start(const std::filesystem::path& dir,
                                             const std::vector<std::uint16_t>& backends,
                                             HealthCheck check = HealthCheck::kTcp);
  ~LoadBalancer();
  std::uint16_t port() const { return port_; }

 private:
  std::unique_ptr<runtime::ChildProcess> child_;
  std::uint16_t port_ = 0;
};

// The answer to one stateless (2026-07-28) request, sent on a connection of
// its own.
struct StatelessAnswer {
  int http = 0;               // HTTP status; 0: no answer at all
  std::string instance;       // X-Aurite-Instance: the server HAProxy chose ("" direct)
  mcp::Json body;             // the JSON-RPC response; null when none came
  std::string raw;            // the whole HTTP answer, for failure messages
  bool ok() const;            // a result that is not a tool error
  std::string error() const;  // why not: HTTP status, JSON-RPC error or the tool's text
};

// The name clients reach the balancer by in the tests (HaproxyConfig admits it).
inline constexpr const char* kPublicHostName = "mcp.example.test";

// tools/call `tool` with `arguments`, stateless, to 127.0.0.1:`port`, with
// `host` as the Host header.
StatelessAnswer StatelessCall(std::uint16_t port, const std::string& tool,
                              const mcp::Json& arguments,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20),
                              const std::string& host = "127.0.0.1");

// One call of a load run.
struct CallRecord {
  ClusterClock::time_point start, end;
  bool ok = false;
  std::string instance;
  std::string error;
};

// `threads` threads each calling `call` in a loop until Stop().
class LoadRun {
 public:
  LoadRun(int threads, std::function<StatelessAnswer()> call);
  ~LoadRun() { Stop(); }
  // Joins the threads; every call made, in no particular order.
  std::vector<CallRecord> Stop();
  // The calls so far (a copy).
  std::vector<CallRecord> Snapshot() const;

 private:
  std::function<StatelessAnswer()> call_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<CallRecord> records_;
  std::vector<std::thread> threads_;
};

// Each test's store is a login and database of its own on the harness's
// shared PostgreSQL (AURITE_TEST_DATABASES), dropped afterwards; a test
// that restarts the store's server (OwnServer()) starts one of its own with
// `databases start`, as do all of them when run without the harness.
class ClusterTest : public GatewayTestBase {
 protected:
  void SetUp() override;
  void TearDown() override;
  virtual bool OwnServer() const { return false; }

  // The store's URL as aurite.json holds it: the password a reference.
  std::string StoreUrl() const;
  // What every gateway and CLI run gets in its environment: the store's password.
  std::vector<std::string> StoreEnvironment() const;
  // Instance `i`'s folder (aurite.json, host.log, audit.jsonl).
  std::filesystem::path InstanceDir(int i) const;
  mcp::Json InstanceConfig(int i) const;
  // Starts instance `i` (0-based) with the cluster's key, on `port` (0: any).
  void StartInstance(int i, std::uint16_t port = 0);
  // `count` instances, then HAProxy in front of them.
  void StartCluster(int count, HealthCheck check = HealthCheck::kTcp);

  // `aurite <arguments> --store <StoreUrl()>` with the cluster's key.
  testing::CommandOutput Cli(const std::string& arguments, const std::string& input = "");
  // A token the CLI secured for `connection_string` (no owner: any session
  // of any instance may use it); "" after a test failure.
  std::string SecureWithCli(const std::string& connection_string);
  // `sql` through psql as the server's admin on the store's database (or
  // `database`); its output. Fails the test when psql does.
  std::string Psql(const std::string& sql) { return Psql(sql, store_database_); }
  std::string Psql(const std::string& sql, const std::string& database);
  // A login of the server with `password`, dropped after the test; its name.
  std::string CreateLogin(const std::string& password);
  // Every row of the store's tables as text, sorted.
  std::string DumpStore();
  // The store server's data folder (tables, WAL, server.log).
  std::filesystem::path ServerDataDir() const { return workdir_ / "pg"; }
  // `tests/harness/databases <command> <db_dir_> postgres` (OwnServer()).
  testing::CommandOutput Harness(const std::string& command);

  // A stateless sql_connect_database with `token`: resolves it (through the
  // store) and opens the SQLite sample database, every time.
  StatelessAnswer ConnectWithToken(std::uint16_t port, const std::string& token);
  // The instances that served `calls` ConnectWithToken through the balancer
  // (round robin), each of which must succeed and open the sample database;
  // empty after the first that did not (a test failure).
  std::set<std::string> InstancesServing(const std::string& token, int calls = 6);

  mcp::Json server_;    // the server's databases.json entry
  std::string sample_;  // SampleDatabase()'s connection string
  std::vector<std::unique_ptr<HttpGateway>> instances_;
  std::unique_ptr<LoadBalancer> balancer_;

 private:
  testing::CommandOutput RunPsql(const std::string& sql, const std::string& database);
  // A login or database name unique to this process and call.
  static std::string UniqueName(const std::string& prefix);

  bool own_server_ = false;
  std::filesystem::path db_dir_;   // the harness's folder for an own server
  std::filesystem::path workdir_;  // the server's work folder
  std::string store_login_;
  std::string store_database_;
  std::string store_password_;       // the store login's password (random)
  std::vector<std::string> logins_;  // dropped after the test
};

// For tests that stop or restart the store's server, which would cut every
// other test's sessions on the shared one.
class OwnServerClusterTest : public ClusterTest {
 protected:
  bool OwnServer() const override { return true; }
};

double MillisecondsBetween(ClusterClock::time_point from, ClusterClock::time_point to);

}  // namespace aurite::e2e
