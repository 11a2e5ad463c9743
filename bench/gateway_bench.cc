// gateway_bench: the gateway's cost over stdio (issue 6).
//
//  - A point query (SELECT ... WHERE id = ?) on a token-opened connection,
//    through `aurite serve` (query_storage), against the same query sent
//    straight to `aurite sql-server` (execute_query): p50 of each and their
//    ratio (goal: <= 1.25x), measured in one run.
//  - The gateway's resident set size when idle with one SQL server attached
//    (goal: < 15 MiB; the SQL server's own RSS is printed beside it).
//
//   gateway_bench <aurite binary> [calls] [busy_poll_us]
//                              calls: default 5000; busy_poll_us: the
//                              gateway.busy_poll_us to run with (default: the
//                              config's default)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_processes.h"
#include "crypto/fernet_key.h"
#include "sql/connection.h"

namespace aurite {
namespace {

using Clock = std::chrono::steady_clock;
using mcp::Json;

constexpr int kRows = 10'000;

bool CreateDatabase(const std::filesystem::path& file) {
  sql::ConnectionConfig config;
  config.engine = sql::Engine::kSqlite;
  config.path = file.string();
  auto connection = sql::OpenConnection(config, {.allow_writes = true});
  if (!connection.ok()) return false;
  auto run = [&](const std::string& statement) {
    return (*connection)->Execute(statement, {}, {}).ok();
  };
  return run("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price INTEGER)") &&
         run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
             std::to_string(kRows) +
             ") INSERT INTO items SELECT i, 'item ' || i, i * 7 % 1000 FROM n");
}

// Calls `tool` with `arguments(i)` `calls` times after a warm-up; returns
// the sorted latencies in microseconds, or nothing on a failed call.
template <typename Arguments>
std::vector<double> Measure(mcp::McpClient& client, const std::string& tool, int calls,
                            Arguments arguments) {
  std::vector<double> micros;
  for (int i = -calls / 10; i < calls; ++i) {
    const auto t0 = Clock::now();
    mcp::RpcResult result = client.CallTool(tool, arguments(i));
    const double elapsed = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (!result.ok() || result.value().value("isError", false)) {
      std::fprintf(stderr, "%s failed: %s\n", tool.c_str(),
                   result.ok() ? result.value().dump().c_str() : result.error().message.c_str());
      return {};
    }
    if (i >= 0) micros.push_back(elapsed);
  }
  std::sort(micros.begin(), micros.end());
  return micros;
}

double Percentile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

// CPU time used so far by all threads of `pid`, in microseconds (schedstat
// counts nanoseconds, where /proc/<pid>/stat counts 10 ms ticks).
double CpuMicros(pid_t pid) {
  double total = 0;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    std::ifstream schedstat(task.path() / "schedstat");
    double nanos = 0;
    if (schedstat >> nanos) total += nanos / 1000.0;
  }
  return total;
}

Json PointQuery(int i, const std::string& id_key, const std::string& id) {
  return {{id_key, id},
          {"query", "SELECT id, name, price FROM items WHERE id = ?"},
          {"params", {1 + (i * 7919 + kRows) % kRows}}};
}

// busy_poll_us < 0: the configuration's default.
int Run(const std::string& aurite, int calls, int busy_poll_us) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("aurite-gateway-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  if (!CreateDatabase(dir / "items.db")) return 1;
  const std::string database = "sqlite:///" + (dir / "items.db").string();

  auto direct = bench::StartServer(aurite, {"sql-server"}, {"PATH=/usr/bin:/bin"});
  if (!direct) return 1;
  std::string direct_id = bench::StructuredString(
      direct->client().CallTool("connect_database", {{"connection_string", database}}),
      "connection_id");

  Json config = {
      {"mcpServers",
       {{"sql",
         {{"command", aurite}, {"args", {"sql-server"}}, {"capabilities", {"tools", "storage"}}}}}},
      {"security",
       {{"store_path", (dir / "store.db").string()},
        {"audit_log", (dir / "audit.jsonl").string()}}}};
  if (busy_poll_us >= 0) config["gateway"]["busy_poll_us"] = busy_poll_us;
  std::ofstream(dir / "aurite.json") << config.dump();
  std::string key(crypto::FernetKey::Generate().ToText().Reveal());
  auto gateway = bench::StartServer(aurite, {"serve", "--config", (dir / "aurite.json").string()},
                                    {"PATH=/usr/bin:/bin", "AURITE_MCP_ENCRYPTION_KEY=" + key});
  if (!gateway) return 1;
  std::string token = bench::StructuredString(
      gateway->client().CallTool("secure_database_connection", {{"connection_string", database}}),
      "token");
  std::string gateway_id = bench::StructuredString(
      gateway->client().CallTool("connect_storage",
                                 {{"storage_type", "sqlite"}, {"connection_string", token}}),
      "connection_id");
  if (direct_id.empty() || gateway_id.empty()) {
    std::fprintf(stderr, "could not open the connections\n");
    return 1;
  }

  const pid_t sql_server = bench::ChildOf(gateway->pid());
  // Interleaved rounds, so both sides see the same machine load.
  std::vector<double> straight, through;
  double gateway_cpu = 0, backend_cpu = 0, direct_cpu = 0;
  for (int round = 0; round < 5; ++round) {
    double before = CpuMicros(direct->pid());
    auto a = Measure(direct->client(), "execute_query", calls / 5,
                     [&](int i) { return PointQuery(i, "connection_id", direct_id); });
    direct_cpu += CpuMicros(direct->pid()) - before;
    before = CpuMicros(gateway->pid());
    const double backend_before = CpuMicros(sql_server);
    auto b = Measure(gateway->client(), "query_storage", calls / 5,
                     [&](int i) { return PointQuery(i, "connection_id", gateway_id); });
    gateway_cpu += CpuMicros(gateway->pid()) - before;
    backend_cpu += CpuMicros(sql_server) - backend_before;
    if (a.empty() || b.empty()) return 1;
    straight.insert(straight.end(), a.begin(), a.end());
    through.insert(through.end(), b.begin(), b.end());
  }
  std::sort(straight.begin(), straight.end());
  std::sort(through.begin(), through.end());
  const double p50_straight = Percentile(straight, 0.5), p50_through = Percentile(through, 0.5);
  std::printf("point query, straight to aurite sql-server  p50 %8.1f us   p99 %8.1f us\n",
              p50_straight, Percentile(straight, 0.99));
  std::printf("point query, through aurite serve (token)   p50 %8.1f us   p99 %8.1f us\n",
              p50_through, Percentile(through, 0.99));
  std::printf("ratio (p50)                                 %8.2fx   (goal: <= 1.25x)\n",
              p50_through / p50_straight);
  // Warm-up calls included: Measure makes calls * 1.1 of them.
  const double measured_calls = calls * 1.1;
  std::printf(
      "CPU per call: sql-server %.1f us straight, %.1f us behind the gateway; gateway %.1f us\n",
      direct_cpu / measured_calls, backend_cpu / measured_calls, gateway_cpu / measured_calls);

  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::printf(
      "gateway idle RSS, one SQL server attached   %8.1f MiB   (goal: < 15 MiB; the SQL "
      "server itself: %.1f MiB)\n",
      bench::RssMiB(gateway->pid()), sql_server ? bench::RssMiB(sql_server) : 0.0);
  std::printf(
      "  of which anonymous %.1f MiB, file-backed (shared libraries) %.1f MiB; PSS %.1f MiB\n",
      bench::ProcMiB(gateway->pid(), "status", "RssAnon"),
      bench::ProcMiB(gateway->pid(), "status", "RssFile"),
      bench::ProcMiB(gateway->pid(), "smaps_rollup", "Pss"));
  gateway->Shutdown();
  direct->Shutdown();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace aurite

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gateway_bench <aurite binary> [calls] [busy_poll_us]\n");
    return 2;
  }
  const int calls = argc > 2 ? std::max(100, std::atoi(argv[2])) : 5000;
  const int busy_poll_us = argc > 3 ? std::atoi(argv[3]) : -1;
  return aurite::Run(std::filesystem::absolute(argv[1]).string(), calls, busy_poll_us);
}
