// lease_bench: what a dynamic PostgreSQL user costs per connection (issue 15).
//
// One `aurite serve` with two named connections on the same database:
// `static`, a plain login, and `dynamic`, a new user per connect_storage
// (made through the admin login, dropped on disconnect_storage). After a
// warm-up, each iteration times connect_storage and disconnect_storage on
// both, in alternating order so that load from elsewhere hits both alike.
// Prints the p50 and p95 of connect for each, the difference of the p50s
// (goal: <= 15 ms) and the disconnect p50s.
//
//   lease_bench <aurite binary> <postgresql://host:port/db> <grant role> [iterations]
//                              iterations: default 200; the address names no
//                              user (the dynamic connection's). The two logins
//                              come from the environment, so no password is in
//                              argv: LEASE_BENCH_STATIC_URI (postgresql://user:
//                              password@host:port/db) and LEASE_BENCH_ADMIN_URI
//                              (the admin's, alike). bench/lease-bench sets
//                              them up.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/fernet_key.h"
#include "mcp/transport/stdio_client.h"

namespace aurite {
namespace {

using Clock = std::chrono::steady_clock;
using mcp::Json;

constexpr const char* kStaticUriVariable = "LEASE_BENCH_STATIC_URI";
constexpr const char* kAdminUriVariable = "LEASE_BENCH_ADMIN_URI";

// The bench's scratch folder (config, store, audit log), removed on every exit.
class ScratchDir {
 public:
  ScratchDir()
      : path_(std::filesystem::temp_directory_path() /
              ("aurite-lease-bench-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path_);
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The config names the two secrets by ${env:…} reference only: the file
// holds no password, and the gateway reads them from its environment.
Json GatewayConfig(const std::string& aurite, const std::filesystem::path& dir,
                   const std::string& address, const std::string& grant_role) {
  return {
      {"mcpServers",
       {{"sql",
         {{"command", aurite}, {"args", {"sql-server"}}, {"capabilities", {"tools", "storage"}}}}}},
      {"security",
       {{"store_path", (dir / "store.db").string()},
        {"audit_log", (dir / "audit.jsonl").string()}}},
      {"connections",
       {{"static",
         {{"storage_type", "postgresql"},
          {"connection_string", std::string("${env:") + kStaticUriVariable + "}"}}},
        {"dynamic",
         {{"storage_type", "postgresql"},
          {"connection_string", address},
          {"credentials",
           {{"mode", "dynamic"},
            {"admin", std::string("${env:") + kAdminUriVariable + "}"},
            {"grant_roles", {grant_role}}}}}}}}};
}

std::unique_ptr<mcp::StdioClient> StartGateway(const std::string& aurite,
                                               const std::filesystem::path& config,
                                               const std::string& static_uri,
                                               const std::string& admin_uri) {
  mcp::StdioClientOptions options;
  options.spawn.program = aurite;
  options.spawn.arguments = {"serve", "--config", config.string()};
  options.spawn.environment = {
      "PATH=/usr/bin:/bin",
      "AURITE_MCP_ENCRYPTION_KEY=" + std::string(crypto::FernetKey::Generate().ToText().Reveal()),
      std::string(kStaticUriVariable) + "=" + static_uri,
      std::string(kAdminUriVariable) + "=" + admin_uri};
  options.log_name = "gateway";
  auto started = mcp::StdioClient::Start(std::move(options));
  if (!started.ok() || !(*started)->client().Initialize().ok()) {
    std::fprintf(stderr, "cannot start %s serve\n", aurite.c_str());
    return nullptr;
  }
  return std::move(started).value();
}

// The error text of a failed call: the host's own message, which it keeps
// free of passwords (a transport error has none either).
std::string Failure(const mcp::RpcResult& result) {
  if (!result.ok()) return result.error().message;
  std::string text;
  for (const Json& part : result.value().value("content", Json::array())) {
    text += part.value("text", "");
  }
  return text;
}

struct Samples {
  std::vector<double> connect_ms;
  std::vector<double> disconnect_ms;
};

// The database user a connection logs in as ("" on failure).
std::string CurrentUser(mcp::McpClient& client, const std::string& id) {
  mcp::RpcResult rows =
      client.CallTool("query_storage", {{"connection_id", id}, {"query", "SELECT current_user"}});
  if (!rows.ok() || rows.value().value("isError", false)) return "";
  const Json result = rows.value().value("structuredContent", Json::object());
  if (!result.contains("rows") || result["rows"].empty() || result["rows"][0].empty()) return "";
  const Json& cell = result["rows"][0][0];
  return cell.is_string() ? cell.get<std::string>() : "";
}

// One connect_storage and disconnect_storage on `name`, each timed and added
// to `samples`; without samples (warm-up) it checks between the two that the
// connection logs in as `user_prefix`..., untimed. False (and a message)
// unless every call succeeded.
bool Cycle(mcp::McpClient& client, const std::string& name, const std::string& user_prefix,
           Samples* samples) {
  auto t0 = Clock::now();
  mcp::RpcResult connected = client.CallTool(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_name", name}});
  const double connect_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  const std::string id =
      connected.ok()
          ? connected.value().value("structuredContent", Json::object()).value("connection_id", "")
          : "";
  if (!connected.ok() || connected.value().value("isError", false) || id.empty()) {
    std::fprintf(stderr, "connect_storage on '%s' failed: %s\n", name.c_str(),
                 Failure(connected).c_str());
    return false;
  }
  if (samples == nullptr) {
    const std::string user = CurrentUser(client, id);
    if (!user.starts_with(user_prefix)) {
      std::fprintf(stderr, "connection '%s' logs in as '%s', not as %s...\n", name.c_str(),
                   user.c_str(), user_prefix.c_str());
      return false;
    }
  }

  t0 = Clock::now();
  mcp::RpcResult closed = client.CallTool("disconnect_storage", {{"connection_id", id}});
  const double disconnect_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!closed.ok() || closed.value().value("isError", false) ||
      !closed.value().value("structuredContent", Json::object()).value("disconnected", false)) {
    std::fprintf(stderr, "disconnect_storage on '%s' failed: %s\n", name.c_str(),
                 Failure(closed).c_str());
    return false;
  }
  if (samples != nullptr) {
    samples->connect_ms.push_back(connect_ms);
    samples->disconnect_ms.push_back(disconnect_ms);
  }
  return true;
}

double Percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

// The user name of a static connection string (postgresql://USER:...@...).
std::string UserOf(const std::string& uri) {
  const std::size_t start = uri.find("://");
  if (start == std::string::npos) return "";
  const std::size_t end = uri.find_first_of(":@", start + 3);
  return end == std::string::npos ? "" : uri.substr(start + 3, end - start - 3);
}

int Run(const std::string& aurite, const std::string& address, const std::string& grant_role,
        int iterations) {
  const char* static_uri = std::getenv(kStaticUriVariable);
  const char* admin_uri = std::getenv(kAdminUriVariable);
  if (static_uri == nullptr || admin_uri == nullptr) {
    std::fprintf(stderr, "lease_bench: set %s and %s\n", kStaticUriVariable, kAdminUriVariable);
    return 2;
  }
  const std::string static_user = UserOf(static_uri);
  if (static_user.empty()) {
    std::fprintf(stderr, "lease_bench: %s names no user\n", kStaticUriVariable);
    return 2;
  }

  ScratchDir dir;
  const std::filesystem::path config = dir.path() / "aurite.json";
  std::ofstream(config) << GatewayConfig(aurite, dir.path(), address, grant_role).dump(2);
  auto gateway = StartGateway(aurite, config, static_uri, admin_uri);
  if (!gateway) return 1;
  mcp::McpClient& client = gateway->client();

  // Dynamic users are named aurite_<connection>_<random>.
  const std::string dynamic_user = "aurite_dynamic_";
  Samples fixed, dynamic;
  const int warm_up = std::max(5, iterations / 10);
  for (int i = -warm_up; i < iterations; ++i) {
    // Alternate which goes first, so neither always follows the other's
    // DROP ROLE (or the same gap after the previous iteration).
    const bool static_first = (i & 1) == 0;
    Samples* fixed_samples = i >= 0 ? &fixed : nullptr;
    Samples* dynamic_samples = i >= 0 ? &dynamic : nullptr;
    const bool ok = static_first ? Cycle(client, "static", static_user, fixed_samples) &&
                                       Cycle(client, "dynamic", dynamic_user, dynamic_samples)
                                 : Cycle(client, "dynamic", dynamic_user, dynamic_samples) &&
                                       Cycle(client, "static", static_user, fixed_samples);
    if (!ok) return 1;
  }
  gateway->Shutdown();

  const double static_p50 = Percentile(fixed.connect_ms, 0.5);
  const double dynamic_p50 = Percentile(dynamic.connect_ms, 0.5);
  // On a shared machine the figures move with its load: print it beside them.
  double load = 0;
  std::ifstream("/proc/loadavg") >> load;
  std::printf("%d iterations of each after %d warm-up ones, interleaved; load average %.2f\n",
              iterations, warm_up, load);
  std::printf("connect_storage, static login               p50 %8.2f ms   p95 %8.2f ms\n",
              static_p50, Percentile(fixed.connect_ms, 0.95));
  std::printf("connect_storage, dynamic user (lease)       p50 %8.2f ms   p95 %8.2f ms\n",
              dynamic_p50, Percentile(dynamic.connect_ms, 0.95));
  std::printf("difference (p50)                            %+8.2f ms   (goal: <= 15 ms)\n",
              dynamic_p50 - static_p50);
  std::printf("disconnect_storage, static login            p50 %8.2f ms\n",
              Percentile(fixed.disconnect_ms, 0.5));
  std::printf("disconnect_storage, dynamic user (dropped)  p50 %8.2f ms\n",
              Percentile(dynamic.disconnect_ms, 0.5));
  return 0;
}

}  // namespace
}  // namespace aurite

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: lease_bench <aurite binary> <postgresql://host:port/db> <grant role> "
                 "[iterations]\n");
    return 2;
  }
  const int iterations = argc > 4 ? std::max(10, std::atoi(argv[4])) : 200;
  return aurite::Run(std::filesystem::absolute(argv[1]).string(), argv[2], argv[3], iterations);
}
