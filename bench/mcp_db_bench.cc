// mcp_db_bench: one client for benchmarking any database MCP server over stdio.
//
// Spawns the server given after `--`, and measures, with the same client code
// for every server so figures compare:
//   ready     spawn until tools/list is answered (initialize, initialized,
//             tools/list), median over fresh processes;
//   point     the point query, called sequentially: p50/p99 latency, calls/s;
//   rss       the server's peak resident set (VmHWM, summed over the process
//             and its descendants) after the point-query run;
//   rows      the large query: p50/p99 latency.
// Servers differ in tool names and argument shapes, so the scenario maps to a
// call through flags: --tool and --sql-arg name the tool and its SQL argument;
// with --connect, connect_database(connection_string) runs first and its
// connection_id is added to every call (aurite's shape). Every answer must
// not be an error and must contain the --expect-* text, so a server that
// returns nothing (or an error) cannot look fast.
//
// Prints one JSON object with the figures on stdout.
//
//   mcp_db_bench --name NAME --tool T --sql-arg A [--connect STR] [--extra-args JSON]
//                --point-sql SQL --point-expect TEXT --rows-sql SQL --rows-expect TEXT
//                [--ready-runs N] [--point-calls N] [--rows-calls N] [--env NAME=VALUE]...
//                -- PROGRAM [ARG...]
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "mcp/log.h"
#include "mcp/stdio_client.h"

namespace aurite::mcp {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string name;
  std::string tool;
  std::string sql_arg = "sql";
  std::optional<std::string> connect;
  Json extra_args = Json::object();
  std::string point_sql, point_expect, rows_sql, rows_expect;
  int ready_runs = 20;
  int point_calls = 5000;
  int rows_calls = 50;
  std::vector<std::string> environment;
  std::string program;
  std::vector<std::string> arguments;
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "mcp_db_bench: %s\n", message.c_str());
  std::exit(1);
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  int i = 1;
  const auto value = [&](const char* flag) -> std::string {
    if (i + 1 >= argc) Die(std::string(flag) + " needs a value");
    return argv[++i];
  };
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg == "--name")
      flags.name = value("--name");
    else if (arg == "--tool")
      flags.tool = value("--tool");
    else if (arg == "--sql-arg")
      flags.sql_arg = value("--sql-arg");
    else if (arg == "--connect")
      flags.connect = value("--connect");
    else if (arg == "--extra-args")
      flags.extra_args = Json::parse(value("--extra-args"));
    else if (arg == "--point-sql")
      flags.point_sql = value("--point-sql");
    else if (arg == "--point-expect")
      flags.point_expect = value("--point-expect");
    else if (arg == "--rows-sql")
      flags.rows_sql = value("--rows-sql");
    else if (arg == "--rows-expect")
      flags.rows_expect = value("--rows-expect");
    else if (arg == "--ready-runs")
      flags.ready_runs = std::stoi(value("--ready-runs"));
    else if (arg == "--point-calls")
      flags.point_calls = std::stoi(value("--point-calls"));
    else if (arg == "--rows-calls")
      flags.rows_calls = std::stoi(value("--rows-calls"));
    else if (arg == "--env")
      flags.environment.push_back(value("--env"));
    else
      Die("unknown flag " + arg);
  }
  if (i + 1 >= argc) Die("give the server command after --");
  flags.program = argv[i + 1];
  flags.arguments.assign(argv + i + 2, argv + argc);
  if (flags.tool.empty() || flags.point_sql.empty() || flags.rows_sql.empty()) {
    Die("--tool, --point-sql and --rows-sql are required");
  }
  return flags;
}

std::unique_ptr<StdioClient> Spawn(const Flags& flags) {
  StdioClientOptions options;
  options.spawn.program = flags.program;
  options.spawn.arguments = flags.arguments;
  options.spawn.environment = flags.environment;
  options.log_name = flags.name;
  options.client.session.default_timeout = std::chrono::seconds(120);
  StatusOr<std::unique_ptr<StdioClient>> started = StdioClient::Start(std::move(options));
  if (!started.ok()) Die("cannot start " + flags.name + ": " + started.status().ToString());
  return std::move(started).value();
}

void Ready(StdioClient& server, const Flags& flags) {
  RpcResult initialized = server.client().Initialize();
  if (!initialized.ok()) Die(flags.name + ": initialize failed: " + initialized.error().message);
  RpcResult tools = server.client().ListTools();
  if (!tools.ok()) Die(flags.name + ": tools/list failed: " + tools.error().message);
}

// The text of every content item plus structuredContent: what a model reads.
std::string AnswerText(const Json& result) {
  std::string text;
  for (const Json& item : result.value("content", Json::array())) {
    if (item.value("type", "") == "text") text += item.value("text", "");
  }
  if (result.contains("structuredContent")) text += result["structuredContent"].dump();
  return text;
}

class Caller {
 public:
  Caller(StdioClient& server, const Flags& flags) : server_(server), flags_(flags) {
    if (!flags.connect) return;
    Json result = Check(
        server_.client().CallTool("connect_database", {{"connection_string", *flags.connect}}), "");
    connection_id_ = result["structuredContent"]["connection_id"].get<std::string>();
  }

  void Query(const std::string& sql, const std::string& expect) {
    Json args = flags_.extra_args;
    args[flags_.sql_arg] = sql;
    if (connection_id_) args["connection_id"] = *connection_id_;
    Check(server_.client().CallTool(flags_.tool, std::move(args)), expect);
  }

 private:
  Json Check(RpcResult result, const std::string& expect) {
    if (!result.ok()) Die(flags_.name + ": call failed: " + result.error().message);
    const Json& value = result.value();
    const std::string text = AnswerText(value);
    if (value.value("isError", false)) Die(flags_.name + ": tool error: " + text.substr(0, 400));
    if (text.find(expect) == std::string::npos) {
      Die(flags_.name + ": the answer lacks '" + expect + "': " + text.substr(0, 400));
    }
    return value;
  }

  StdioClient& server_;
  const Flags& flags_;
  std::optional<std::string> connection_id_;
};

double Millis(Clock::duration elapsed) {
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

std::vector<pid_t> Children(pid_t pid) {
  std::vector<pid_t> children;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    std::ifstream file(task.path() / "children");
    pid_t child = 0;
    while (file >> child) children.push_back(child);
  }
  return children;
}

// Peak resident KiB of `pid` and its descendants (VmHWM of each).
long PeakRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  long total = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) total = std::atol(line.c_str() + 6);
  }
  for (pid_t child : Children(pid)) total += PeakRssKib(child);
  return total;
}

Json MeasureReady(const Flags& flags) {
  std::vector<double> millis;
  for (int i = 0; i < flags.ready_runs; ++i) {
    const auto start = Clock::now();
    std::unique_ptr<StdioClient> server = Spawn(flags);
    Ready(*server, flags);
    millis.push_back(Millis(Clock::now() - start));
  }
  return {{"ready_p50_ms", Quantile(millis, 0.5)}, {"ready_runs", flags.ready_runs}};
}

Json MeasureCalls(Caller& caller, const std::string& sql, const std::string& expect, int calls,
                  const char* prefix) {
  for (int i = 0; i < std::max(3, calls / 20); ++i) caller.Query(sql, expect);  // warm-up
  std::vector<double> millis;
  const auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    caller.Query(sql, expect);
    millis.push_back(Millis(Clock::now() - t0));
  }
  const double seconds = Millis(Clock::now() - start) / 1000;
  const std::string p = prefix;
  return {{p + "_p50_ms", Quantile(millis, 0.5)},
          {p + "_p99_ms", Quantile(millis, 0.99)},
          {p + "_calls_per_s", calls / seconds},
          {p + "_calls", calls}};
}

int Run(const Flags& flags) {
  Logger().set_level(spdlog::level::warn);
  Json figures = {{"name", flags.name}};
  figures.update(MeasureReady(flags));
  std::unique_ptr<StdioClient> server = Spawn(flags);
  Ready(*server, flags);
  Caller caller(*server, flags);
  figures.update(
      MeasureCalls(caller, flags.point_sql, flags.point_expect, flags.point_calls, "point"));
  figures["peak_rss_kib"] = PeakRssKib(server->pid());
  figures.update(MeasureCalls(caller, flags.rows_sql, flags.rows_expect, flags.rows_calls, "rows"));
  std::printf("%s\n", figures.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace aurite::mcp

int main(int argc, char** argv) { return aurite::mcp::Run(aurite::mcp::ParseFlags(argc, argv)); }
