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
// Each call also reports the client's pause after it (checking the answer,
// *_pause_ms), while the server and its database sit idle.
// Servers differ in tool names and argument shapes, so the scenario maps to a
// call through flags: --tool and --sql-arg name the tool and its SQL argument;
// with --connect, connect_database(connection_string) runs first and its
// connection_id is added to every call (aurite's shape). Every answer must
// not be an error and must contain the --expect-* text, so a server that
// returns nothing (or an error) cannot look fast.
//
// The client is lean (see LeanClient): a call's time runs from writing the
// request to reading the whole response line, and the answer is parsed and
// checked after the clock stopped, so our JSON parser is not in the figures.
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
#include <thread>
#include <utility>
#include <vector>

#include "mcp/core/jsonrpc.h"
#include "runtime/child_process.h"
#include "runtime/line_reader.h"
#include "runtime/pipe_io.h"
#include "support/peak_resident.h"

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

double Millis(Clock::duration elapsed) {
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

// A lean MCP client over the child's stdin/stdout: a call's latency runs from
// writing the request to reading the whole response line, so it measures the
// server and the pipe, not our JSON parser. Each response is parsed and
// checked after its clock stopped. Requests from the server are refused
// (-32601); its stderr is drained and dropped.
class LeanClient {
 public:
  explicit LeanClient(const Flags& flags) : flags_(flags) {
    runtime::SpawnOptions spawn;
    spawn.program = flags.program;
    spawn.arguments = flags.arguments;
    spawn.environment = flags.environment;
    StatusOr<std::unique_ptr<runtime::ChildProcess>> child = runtime::ChildProcess::Spawn(spawn);
    if (!child.ok()) Die("cannot start " + flags.name + ": " + child.status().ToString());
    child_ = std::move(child).value();
    reader_.emplace(child_->stdout_fd(), std::size_t{1} << 30);
    stderr_ = std::thread([fd = child_->stderr_fd()] {
      char buffer[4096];
      while (::read(fd, buffer, sizeof buffer) > 0) {
      }
    });
  }
  ~LeanClient() {
    child_->Shutdown(std::chrono::seconds(2));
    stderr_.join();
  }

  pid_t pid() const { return child_->pid(); }

  // Sends a request and returns the response line and how long it took.
  std::pair<std::string, double> Timed(const std::string& method, const Json& params) {
    const std::int64_t id = ++last_id_;
    const std::string request =
        Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n";
    const auto start = Clock::now();
    if (!runtime::WriteAll(child_->stdin_fd(), request).ok())
      Die(flags_.name + ": the server hung up");
    for (;;) {
      std::optional<runtime::LineReader::Item> item = reader_->Next();
      if (!item) Die(flags_.name + ": the server closed stdout during " + method);
      if (item->line.find("\"method\"") != std::string::npos && HandleServerMessage(item->line)) {
        continue;
      }
      return {std::move(item->line), Millis(Clock::now() - start)};
    }
  }

  // The result of a request (untimed); fails on a JSON-RPC error.
  Json Call(const std::string& method, const Json& params) {
    return ResultOf(Timed(method, params).first, method);
  }

  Json ResultOf(const std::string& line, const std::string& method) const {
    Json response = Json::parse(line, nullptr, false);
    if (response.is_discarded() || !response.contains("result")) {
      Die(flags_.name + ": " + method + " failed: " + line.substr(0, 400));
    }
    return std::move(response["result"]);
  }

  void Notify(const std::string& method) {
    const std::string line = Json{{"jsonrpc", "2.0"}, {"method", method}}.dump() + "\n";
    if (!runtime::WriteAll(child_->stdin_fd(), line).ok())
      Die(flags_.name + ": the server hung up");
  }

 private:
  // True when `line` was a notification or request of the server's.
  bool HandleServerMessage(const std::string& line) {
    Json message = Json::parse(line, nullptr, false);
    if (message.is_discarded() || !message.contains("method")) return false;
    if (message.contains("id")) {
      Json refusal = {{"jsonrpc", "2.0"},
                      {"id", message["id"]},
                      {"error", {{"code", -32601}, {"message", "not supported by the bench"}}}};
      (void)runtime::WriteAll(child_->stdin_fd(), refusal.dump() + "\n");
    }
    return true;
  }

  const Flags& flags_;
  std::unique_ptr<runtime::ChildProcess> child_;
  std::optional<runtime::LineReader> reader_;
  std::thread stderr_;
  std::int64_t last_id_ = 0;
};

void Ready(LeanClient& server) {
  server.Call("initialize", {{"protocolVersion", "2025-06-18"},
                             {"capabilities", Json::object()},
                             {"clientInfo", {{"name", "mcp_db_bench"}, {"version", "1"}}}});
  server.Notify("notifications/initialized");
  server.Call("tools/list", Json::object());
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
  Caller(LeanClient& server, const Flags& flags) : server_(server), flags_(flags) {
    if (!flags.connect) return;
    Json result = server_.Call(
        "tools/call",
        {{"name", "connect_database"}, {"arguments", {{"connection_string", *flags.connect}}}});
    Check(result, "");
    connection_id_ = result["structuredContent"]["connection_id"].get<std::string>();
  }

  // One timed call; the answer is checked after the clock stopped.
  double Query(const std::string& sql, const std::string& expect) {
    Json args = flags_.extra_args;
    args[flags_.sql_arg] = sql;
    if (connection_id_) args["connection_id"] = *connection_id_;
    auto [line, millis] = server_.Timed("tools/call", {{"name", flags_.tool}, {"arguments", args}});
    Check(server_.ResultOf(line, flags_.tool), expect);
    return millis;
  }

 private:
  void Check(const Json& result, const std::string& expect) const {
    const std::string text = AnswerText(result);
    if (result.value("isError", false)) Die(flags_.name + ": tool error: " + text.substr(0, 400));
    if (text.find(expect) == std::string::npos) {
      Die(flags_.name + ": the answer lacks '" + expect + "': " + text.substr(0, 400));
    }
  }

  LeanClient& server_;
  const Flags& flags_;
  std::optional<std::string> connection_id_;
};

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
  long total = std::max(0L, aurite::testing::PeakResidentKib(pid));
  for (pid_t child : Children(pid)) total += PeakRssKib(child);
  return total;
}

Json MeasureReady(const Flags& flags) {
  std::vector<double> millis;
  for (int i = 0; i < flags.ready_runs; ++i) {
    const auto start = Clock::now();
    LeanClient server(flags);
    Ready(server);
    millis.push_back(Millis(Clock::now() - start));
  }
  return {{"ready_p50_ms", Quantile(millis, 0.5)},
          {"ready_min_ms", Quantile(millis, 0)},
          {"ready_runs", flags.ready_runs}};
}

// calls/s is the sequential rate: calls over the sum of their latencies.
// The pause is the client's time between calls (checking the answer): the
// server and PostgreSQL sit idle meanwhile, which the floor mimics.
Json MeasureCalls(Caller& caller, const std::string& sql, const std::string& expect, int calls,
                  const char* prefix) {
  for (int i = 0; i < std::max(3, calls / 20); ++i) caller.Query(sql, expect);  // warm-up
  std::vector<double> millis;
  std::vector<double> pauses;
  double total = 0;
  for (int i = 0; i < calls; ++i) {
    const auto start = Clock::now();
    millis.push_back(caller.Query(sql, expect));
    pauses.push_back(Millis(Clock::now() - start) - millis.back());
    total += millis.back();
  }
  const std::string p = prefix;
  return {{p + "_p50_ms", Quantile(millis, 0.5)},
          {p + "_p99_ms", Quantile(millis, 0.99)},
          {p + "_calls_per_s", calls / (total / 1000)},
          {p + "_calls", calls},
          {p + "_pause_ms", Quantile(pauses, 0.5)}};
}

int Run(const Flags& flags) {
  runtime::IgnoreSigpipe();
  Json figures = {{"name", flags.name}};
  figures.update(MeasureReady(flags));
  LeanClient server(flags);
  Ready(server);
  Caller caller(server, flags);
  figures.update(
      MeasureCalls(caller, flags.point_sql, flags.point_expect, flags.point_calls, "point"));
  figures["peak_rss_kib"] = PeakRssKib(server.pid());
  figures.update(MeasureCalls(caller, flags.rows_sql, flags.rows_expect, flags.rows_calls, "rows"));
  std::printf("%s\n", figures.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace aurite::mcp

int main(int argc, char** argv) { return aurite::mcp::Run(aurite::mcp::ParseFlags(argc, argv)); }
