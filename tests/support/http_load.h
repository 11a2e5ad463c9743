// Test and benchmark support: a load client for MCP Streamable HTTP
// servers (ours and peers), on Boost.Beast. Each client is a thread with
// its own session and one kept-alive connection (reopened only when the
// server closes it); every call has a unique JSON-RPC id and its own
// latency. Used by the load e2e tests and by bench/http_load_bench.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aurite::httpload {

// A tools/call each client makes once after initialize. `arguments` is
// JSON text in which "{name}" stands for a value captured by an earlier
// step; `capture` names the structuredContent string to capture, if any.
struct SetupCall {
  std::string tool;
  std::string arguments;
  std::string capture;
};

struct LoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/mcp";
  std::string protocol_version = "2025-06-18";
  int clients = 64;
  std::chrono::milliseconds duration = std::chrono::seconds(10);
  std::vector<SetupCall> setup;
  // The measured call: `arguments` as in SetupCall, where "{n}" also
  // stands for a number from 1 to `n_range` that changes on every call.
  std::string tool;
  std::string arguments;
  int n_range = 10000;
  // Text every measured answer must contain (e.g. a row's name); "": any
  // answer that is not an error.
  std::string expect;
  std::chrono::milliseconds call_timeout = std::chrono::seconds(10);
  // Sent as "Authorization: Bearer …" on every request when not empty.
  std::string bearer_token;
};

struct LoadResult {
  std::uint64_t calls = 0;           // answered without error
  std::uint64_t errors = 0;          // failed: HTTP status, JSON-RPC or tool error, I/O, timeout
  std::uint64_t connections = 0;     // TCP connections opened, setup included
  int clients_ready = 0;             // clients whose initialize and setup succeeded
  double seconds = 0;                // the measured phase
  std::vector<double> latencies_us;  // of the answered calls, sorted
  std::string first_error;

  double calls_per_second() const { return seconds > 0 ? static_cast<double>(calls) / seconds : 0; }
  // The q-quantile (0..1) of the latencies in microseconds; 0 when none.
  double Percentile(double q) const;
  nlohmann::json ToJson() const;
};

// Runs `options.clients` clients: each initializes, runs the setup calls,
// waits for all others to be ready, then calls `options.tool` in a loop
// for `options.duration`, and ends its session (DELETE). A client whose
// setup fails counts one error and stops.
LoadResult RunLoad(const LoadOptions& options);

}  // namespace aurite::httpload
