// mcp_stdio_bench: stdio round-trip benchmark of the mcp layer.
//
// Spawns itself as an MCP stdio server offering the conformance fixture's
// simplest tool (test_simple_text, run inline, and the same tool on the
// worker pool), calls it repeatedly through our StdioClient and prints p50/p99
// latency, calls per second and the child's exact CPU per call (scheduler
// run time of all its threads). The floor is the same client against a
// canned responder (the bench itself in --respond mode: read a line, write a
// fixed reply with its id): pipes, scheduling and client are identical, so
// the server's CPU beyond the floor is what our server adds per call, the
// figure the < 5 us budget applies to. A bare /bin/cat round trip is shown
// for reference.
//
//   mcp_stdio_bench [calls]        default 20000
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mcp/server/server.h"
#include "mcp/transport/stdio_client.h"
#include "mcp/transport/stdio_server.h"
#include "runtime/child_process.h"
#include "runtime/line_reader.h"

namespace aurite::mcp {
namespace {

using Clock = std::chrono::steady_clock;

int Serve() {
  McpServer server;
  const auto handler = [](const Json&, CallContext&) -> RpcResult {
    return ToolTextResult("This is a simple text response for testing.");
  };
  Tool tool;
  tool.name = "test_simple_text";
  tool.description = "Tests simple text content response";
  tool.runs_inline = true;  // as the fixture's: quick and self-contained
  server.AddTool(tool, handler);
  // The same tool on the worker pool, as tools that may call the client run.
  tool.name = "test_simple_text_pooled";
  tool.runs_inline = false;
  server.AddTool(tool, handler);
  return ServeStdio(server).ok() ? 0 : 1;
}

// The floor: a responder with no framework at all. It answers each request
// line with a canned reply carrying the request's id (found by a string
// search), so the same client and pipes are measured without our server.
int Respond() {
  runtime::LineReader reader(0, 1 << 20);
  while (auto item = reader.Next()) {
    const std::string& line = item->line;
    const auto key = line.find("\"id\":");
    if (key == std::string::npos) continue;  // a notification
    const auto start = key + 5;
    const std::string id = line.substr(start, line.find_first_of(",}", start) - start);
    const bool init = line.find("\"initialize\"") != std::string::npos;
    const std::string result =
        init
            ? R"({"protocolVersion":"2025-11-25","capabilities":{"tools":{}},)"
              R"("serverInfo":{"name":"canned","version":"1"}})"
            : R"({"content":[{"type":"text","text":"This is a simple text response for testing."}]})";
    if (!runtime::WriteAll(1, R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":)" + result + "}\n")
             .ok()) {
      return 1;
    }
  }
  return 0;
}

// CPU seconds used so far by every thread of `pid`: the scheduler's exact
// run time (/proc/PID/task/TID/schedstat, in ns), not tick-sampled times,
// which miss most of a process that sleeps between short bursts.
double CpuSeconds(pid_t pid) {
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  double total_ns = 0;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream stat(task.path() / "schedstat");
    double run_ns = 0;
    if (stat >> run_ns) total_ns += run_ns;
  }
  return total_ns / 1e9;
}

void Report(const char* name, std::vector<double>& micros, double seconds) {
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * (micros.size() - 1))];
  };
  std::printf("%-28s p50 %8.1f us   p99 %8.1f us   %10.0f calls/s\n", name, at(0.50), at(0.99),
              static_cast<double>(micros.size()) / seconds);
}

// Returns cat's CPU per round trip in microseconds (0 if it cannot run).
double BenchPipe(int calls) {
  runtime::SpawnOptions spawn;
  spawn.program = "/bin/cat";
  auto child = runtime::ChildProcess::Spawn(spawn);
  if (!child.ok()) return 0;
  runtime::LineReader reader((*child)->stdout_fd(), 1 << 20);
  const std::string line =
      R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"x"}]}})"
      "\n";
  std::vector<double> micros;
  const double cpu_before = CpuSeconds((*child)->pid());
  const auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    (void)runtime::WriteAll((*child)->stdin_fd(), line);
    (void)reader.Next();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Report("bare pipe round trip (cat)", micros,
         std::chrono::duration<double>(Clock::now() - start).count());
  const double cpu = (CpuSeconds((*child)->pid()) - cpu_before) * 1e6 / calls;
  std::printf("cat CPU per round trip       %8.1f us (raw pipe I/O, for reference)\n", cpu);
  return cpu;
}

// Calls `tool` `calls` times and prints latency, rate and server CPU.
// Calls `tool` `calls` times, prints latency and rate, and returns the
// child's CPU per call in microseconds (negative if a call failed).
double BenchTool(StdioClient& stdio, const char* label, const std::string& tool, int calls) {
  for (int i = 0; i < 1000; ++i) (void)stdio.client().CallTool(tool, Json::object());
  std::vector<double> micros;
  const double cpu_before = CpuSeconds(stdio.pid());
  const auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    RpcResult r = stdio.client().CallTool(tool, Json::object());
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (!r.ok()) {
      std::fprintf(stderr, "call failed: %s\n", r.error().message.c_str());
      return -1;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = (CpuSeconds(stdio.pid()) - cpu_before) * 1e6 / calls;
  Report(label, micros, seconds);
  std::printf("  child CPU per call         %8.1f us (all threads, includes its pipe I/O)\n", cpu);
  return cpu;
}

std::unique_ptr<StdioClient> Start(const char* mode) {
  StdioClientOptions options;
  options.spawn.program = "/proc/self/exe";
  options.spawn.arguments = {mode};
  options.log_name = "bench-child";
  auto started = StdioClient::Start(options);
  if (!started.ok()) {
    std::fprintf(stderr, "cannot start the child: %s\n", started.status().ToString().c_str());
    return nullptr;
  }
  if (!(*started)->client().Initialize().ok()) return nullptr;
  return std::move(*started);
}

// The same client against the canned responder (the floor: client, pipes,
// scheduling) and against our server, inline and pooled.
int BenchMcp(int calls) {
  auto canned = Start("--respond");
  if (!canned) return 1;
  const double floor = BenchTool(*canned, "canned responder (floor)", "test_simple_text", calls);
  canned.reset();
  auto server = Start("--serve");
  if (!server) return 1;
  const double inline_cpu =
      BenchTool(*server, "tools/call test_simple_text", "test_simple_text", calls);
  const double pooled_cpu =
      BenchTool(*server, "tools/call ..._pooled (worker)", "test_simple_text_pooled", calls);
  if (floor < 0 || inline_cpu < 0 || pooled_cpu < 0) return 1;
  std::printf("server CPU beyond the floor  %8.1f us inline (goal: < 5), %.1f us pooled\n",
              inline_cpu - floor, pooled_cpu - floor);
  return 0;
}

}  // namespace
}  // namespace aurite::mcp

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--serve") == 0) return aurite::mcp::Serve();
  if (argc > 1 && std::strcmp(argv[1], "--respond") == 0) return aurite::mcp::Respond();
  const int calls = argc > 1 ? std::max(100, std::atoi(argv[1])) : 20000;
  aurite::mcp::BenchPipe(calls);
  return aurite::mcp::BenchMcp(calls);
}
