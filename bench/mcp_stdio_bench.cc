// mcp_stdio_bench: stdio round-trip benchmark of the mcp layer.
//
// Spawns itself as an MCP stdio server offering the conformance fixture's
// simplest tool (test_simple_text), calls it repeatedly over the pipe and
// prints p50/p99 latency and calls per second. For comparison it measures
// the bare pipe round trip through /bin/cat, and the server's CPU time per
// call (from /proc), which is the figure the < 5 us budget applies to.
//
//   mcp_stdio_bench [calls]        default 20000
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
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
  Tool tool;
  tool.name = "test_simple_text";
  tool.description = "Tests simple text content response";
  server.AddTool(tool, [](const Json&, CallContext&) -> RpcResult {
    return ToolTextResult("This is a simple text response for testing.");
  });
  return ServeStdio(server).ok() ? 0 : 1;
}

// user+system CPU seconds used so far by `pid`.
double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // fields 3..13
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void Report(const char* name, std::vector<double>& micros, double seconds) {
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * (micros.size() - 1))];
  };
  std::printf("%-28s p50 %8.1f us   p99 %8.1f us   %10.0f calls/s\n", name, at(0.50), at(0.99),
              static_cast<double>(micros.size()) / seconds);
}

void BenchPipe(int calls) {
  SpawnOptions spawn;
  spawn.program = "/bin/cat";
  auto child = ChildProcess::Spawn(spawn);
  if (!child.ok()) return;
  LineReader reader((*child)->stdout_fd(), 1 << 20);
  const std::string line =
      R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"x"}]}})"
      "\n";
  std::vector<double> micros;
  const auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    (void)WriteAll((*child)->stdin_fd(), line);
    (void)reader.Next();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Report("bare pipe round trip (cat)", micros,
         std::chrono::duration<double>(Clock::now() - start).count());
}

int BenchMcp(int calls) {
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
  for (int i = 0; i < 1000; ++i) (void)stdio.client().CallTool("test_simple_text", Json::object());
  std::vector<double> micros;
  const double cpu_before = CpuSeconds(stdio.pid());
  const auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    RpcResult r = stdio.client().CallTool("test_simple_text", Json::object());
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (!r.ok()) {
      std::fprintf(stderr, "call failed: %s\n", r.error().message.c_str());
      return 1;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds(stdio.pid()) - cpu_before;
  Report("tools/call test_simple_text", micros, seconds);
  std::printf("server CPU per call          %8.1f us (user+system, includes its pipe I/O)\n",
              cpu * 1e6 / calls);
  return 0;
}

}  // namespace
}  // namespace aurite::mcp

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--serve") == 0) return aurite::mcp::Serve();
  const int calls = argc > 1 ? std::max(100, std::atoi(argv[1])) : 20000;
  aurite::mcp::BenchPipe(calls);
  return aurite::mcp::BenchMcp(calls);
}
