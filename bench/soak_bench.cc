// soak_bench: a long run of point queries through the gateway over stdio
// (issue 17): `aurite serve` with one `aurite sql-server` backend on
// PostgreSQL, one client calling query_storage back to back. Every
// `sample_every` calls it prints the resident set (VmRSS) of the gateway and
// of the SQL server, and the p50 and calls/s of the calls since the last
// sample. The first interval is the warm-up (pools, caches, allocator arenas
// filling up): the growth it reports is from the first sample to the last,
// which must stay under 5 %. Every answer is checked, so a run that fails
// part-way stops with an error instead of printing figures.
//
//   soak_bench <aurite binary> <postgresql dsn> <table> [calls] [sample_every]
//        calls: default 1,000,000; sample_every: default calls / 10.
//        The table needs integer ids 1..10000 (bench/soak creates it).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_processes.h"
#include "crypto/fernet_key.h"

namespace aurite {
namespace {

using Clock = std::chrono::steady_clock;
using mcp::Json;

constexpr int kRows = 10'000;

struct Sample {
  long calls;
  double gateway_mib;
  double server_mib;
  double p50_us;
  double calls_per_s;
};

double Growth(double first, double last) { return first > 0 ? (last - first) / first * 100 : 0; }

int Run(const std::string& aurite, const std::string& dsn, const std::string& table, long calls,
        long every) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("aurite-soak-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Json config = {
      {"mcpServers",
       {{"sql",
         {{"command", aurite}, {"args", {"sql-server"}}, {"capabilities", {"tools", "storage"}}}}}},
      {"security",
       {{"store_path", (dir / "store.db").string()},
        {"audit_log", (dir / "audit.jsonl").string()}}}};
  std::ofstream(dir / "aurite.json") << config.dump();
  const std::string key(crypto::FernetKey::Generate().ToText().Reveal());
  auto gateway = bench::StartServer(aurite, {"serve", "--config", (dir / "aurite.json").string()},
                                    {"PATH=/usr/bin:/bin", "AURITE_MCP_ENCRYPTION_KEY=" + key});
  if (!gateway) return 1;
  const std::string token = bench::StructuredString(
      gateway->client().CallTool("secure_database_connection", {{"connection_string", dsn}}),
      "token");
  const std::string id = bench::StructuredString(
      gateway->client().CallTool("connect_storage",
                                 {{"storage_type", "postgresql"}, {"connection_string", token}}),
      "connection_id");
  const pid_t server = bench::ChildOf(gateway->pid());
  if (id.empty() || server == 0) {
    std::fprintf(stderr, "soak_bench: could not open a connection through the gateway\n");
    return 1;
  }
  const std::string query = "SELECT id, name, price, created_at FROM " + table + " WHERE id = $1";

  std::printf("%10s %14s %14s %10s %10s\n", "calls", "gateway RSS", "sql-server RSS", "p50",
              "calls/s");
  std::vector<Sample> samples;
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(every));
  auto interval_start = Clock::now();
  for (long i = 1; i <= calls; ++i) {
    const long row = 1 + (i * 7919) % kRows;
    const auto t0 = Clock::now();
    mcp::RpcResult result = gateway->client().CallTool(
        "query_storage", {{"connection_id", id}, {"query", query}, {"params", {row}}});
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    const bool answered = result.ok() && !result.value().value("isError", false) &&
                          result.value()["structuredContent"]["row_count"] == 1;
    if (!answered) {
      std::fprintf(stderr, "soak_bench: call %ld failed: %s\n", i,
                   result.ok() ? result.value().dump().substr(0, 400).c_str()
                               : result.error().message.c_str());
      return 1;
    }
    if (i % every != 0 && i != calls) continue;
    const double seconds = std::chrono::duration<double>(Clock::now() - interval_start).count();
    std::sort(micros.begin(), micros.end());
    Sample sample{i, bench::RssMiB(gateway->pid()), bench::RssMiB(server),
                  micros[micros.size() / 2], static_cast<double>(micros.size()) / seconds};
    std::printf("%10ld %10.2f MiB %10.2f MiB %7.1f us %10.0f\n", sample.calls, sample.gateway_mib,
                sample.server_mib, sample.p50_us, sample.calls_per_s);
    std::fflush(stdout);
    samples.push_back(sample);
    micros.clear();
    interval_start = Clock::now();
  }
  const Sample& first = samples.front();
  const Sample& last = samples.back();
  std::printf(
      "RSS growth after the warm-up (first %ld calls), from call %ld to %ld: gateway %+.1f %%, "
      "sql-server %+.1f %%   (goal: < 5 %%)\n",
      first.calls, first.calls, last.calls, Growth(first.gateway_mib, last.gateway_mib),
      Growth(first.server_mib, last.server_mib));
  gateway->Shutdown();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace aurite

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: soak_bench <aurite binary> <postgresql dsn> <table> [calls] "
                 "[sample_every]\n");
    return 2;
  }
  const long calls = argc > 4 ? std::max(10L, std::atol(argv[4])) : 1'000'000;
  const long every = argc > 5 ? std::max(1L, std::atol(argv[5])) : std::max(1L, calls / 10);
  return aurite::Run(std::filesystem::absolute(argv[1]).string(), argv[2], argv[3], calls, every);
}
