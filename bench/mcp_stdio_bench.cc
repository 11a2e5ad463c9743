// mcp_stdio_bench: stdio round-trip benchmark of the mcp layer.
//
// Spawns itself as an MCP stdio server offering the conformance fixture's
// simplest tool (test_simple_text), calls it repeatedly over the pipe and
// prints p50/p99 latency and calls per second. For comparison it measures
// the bare pipe round trip through /bin/cat, and the CPU time per call (from
// /proc) of cat and of the server: the server's CPU beyond cat's is the
// figure the < 5 us budget applies to.
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

#include "mcp/child_process.h"
#include "mcp/line_reader.h"
#include "mcp/server.h"
#include "mcp/stdio_client.h"
#include "mcp/stdio_server.h"

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
  SpawnOptions spawn;
  spawn.program = "/bin/cat";
  auto child = ChildProcess::Spawn(spawn);
  if (!child.ok()) return 0;
  LineReader reader((*child)->stdout_fd(), 1 << 20);
  const std::string line =
      R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"x"}]}})"
      "\n";
  std::vector<double> micros;
  const double cpu_before = CpuSeconds((*child)->pid());
  const auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    (void)WriteAll((*child)->stdin_fd(), line);
    (void)reader.Next();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Report("bare pipe round trip (cat)", micros,
         std::chrono::duration<double>(Clock::now() - start).count());
  const double cpu = (CpuSeconds((*child)->pid()) - cpu_before) * 1e6 / calls;
  std::printf("cat CPU per round trip       %8.1f us (its pipe I/O: the floor)\n", cpu);
  return cpu;
}

// Calls `tool` `calls` times and prints latency, rate and server CPU.
bool BenchTool(StdioClient& stdio, const std::string& tool, int calls, double pipe_cpu) {
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
      return false;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = (CpuSeconds(stdio.pid()) - cpu_before) * 1e6 / calls;
  Report(("tools/call " + tool).c_str(), micros, seconds);
  std::printf("  server CPU per call        %8.1f us (all threads, includes its pipe I/O)\n", cpu);
  std::printf("  server CPU beyond the pipe %8.1f us\n", cpu - pipe_cpu);
  return true;
}

int BenchMcp(int calls, double pipe_cpu) {
  StdioClientOptions options;
  options.spawn.program = "/proc/self/exe";
  options.spawn.arguments = {"--serve"};
  options.log_name = "bench-server";
  auto started = StdioClient::Start(options);
  if (!started.ok()) {
    std::fprintf(stderr, "cannot start the server: %s\n", started.status().ToString().c_str());
    return 1;
  }
  auto& stdio = **started;
  if (!stdio.client().Initialize().ok()) return 1;
  std::printf("(goal: the inline tool's server CPU beyond the pipe < 5 us)\n");
  const bool ok = BenchTool(stdio, "test_simple_text", calls, pipe_cpu) &&
                  BenchTool(stdio, "test_simple_text_pooled", calls, pipe_cpu);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace aurite::mcp

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--serve") == 0) return aurite::mcp::Serve();
  const int calls = argc > 1 ? std::max(100, std::atoi(argv[1])) : 20000;
  const double pipe_cpu = aurite::mcp::BenchPipe(calls);
  return aurite::mcp::BenchMcp(calls, pipe_cpu);
}
