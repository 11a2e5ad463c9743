// What the benchmarks that drive `aurite` as a child process share: starting
// it as an initialized MCP client, finding the SQL server the gateway spawned,
// and reading a process's memory figures from /proc, so every benchmark reads
// them the same way.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mcp/transport/stdio_client.h"

namespace aurite::bench {

// Spawns `program` and initializes an MCP session with it; null (after
// saying so on stderr) when either fails.
inline std::unique_ptr<mcp::StdioClient> StartServer(const std::string& program,
                                                     std::vector<std::string> arguments,
                                                     std::vector<std::string> environment) {
  mcp::StdioClientOptions options;
  options.spawn.program = program;
  options.spawn.arguments = std::move(arguments);
  options.spawn.environment = std::move(environment);
  auto started = mcp::StdioClient::Start(std::move(options));
  if (!started.ok() || !(*started)->client().Initialize().ok()) {
    std::fprintf(stderr, "cannot start %s\n", program.c_str());
    return nullptr;
  }
  return std::move(started).value();
}

// structuredContent[key] of a tool result, or "" when the call failed.
inline std::string StructuredString(const mcp::RpcResult& result, const char* key) {
  if (!result.ok()) return "";
  return result.value().value("structuredContent", mcp::Json::object()).value(key, "");
}

// A "Name:   123 kB" field of a /proc/<pid> file, in MiB.
inline double ProcMiB(pid_t pid, const char* file, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/" + file);
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(field + ":")) return std::atof(line.c_str() + field.size() + 1) / 1024.0;
  }
  return 0;
}

inline double RssMiB(pid_t pid) { return ProcMiB(pid, "status", "VmRSS"); }

// The first process found whose parent is `parent_pid`; 0 when none.
inline pid_t ChildOf(pid_t parent_pid) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    if (std::atoi(entry.path().filename().c_str()) <= 0) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent == parent_pid) return std::atoi(entry.path().filename().c_str());
  }
  return 0;
}

}  // namespace aurite::bench
