// Test support: `aurite serve` as a child process over stdio, driven by our
// MCP client the way Claude Desktop would, with its stderr kept in a file.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcp/tool_result.h"
#include "mcp/transport/http_client.h"
#include "mcp/transport/stdio_client.h"
#include "runtime/child_process.h"

namespace aurite::e2e {

// A fresh Fernet key in text form (made at run time, never a fixture).
std::string NewKey();

// The aurite.json the tests start from: the SQL server ("sql", with
// "storage", writes allowed) and the probe server ("probe", without), with
// the store, audit log and host log under `dir`.
mcp::Json BaseConfig(const std::filesystem::path& dir);
// BaseConfig with gateway.transport "http".
mcp::Json HttpConfig(const std::filesystem::path& dir);

class GatewayProcess {
 public:
  // Writes `config` to dir/aurite.json and starts the gateway with `key` as
  // AURITE_MCP_ENCRYPTION_KEY; fails the test when it does not initialize.
  // `prepare` may register handlers on the client before initialize;
  // `environment` ("NAME=value") is added to the gateway's environment.
  static std::unique_ptr<GatewayProcess> Start(
      const std::filesystem::path& dir, const mcp::Json& config, const std::string& key,
      const std::function<void(mcp::McpClient&)>& prepare = {},
      const std::vector<std::string>& environment = {});

  mcp::McpClient& client() { return process_->client(); }
  pid_t pid() const { return process_->pid(); }
  // tools/call; fails the test on a protocol error.
  mcp::Json Call(const std::string& tool, mcp::Json arguments);
  // Closes stdin (the client disconnects) and waits for the exit status.
  int Stop() { return process_->Shutdown(); }

  // Every text this test received from the gateway, for canary checks: each
  // result's JSON text and every string in it, decoded.
  const std::string& received() const { return received_; }

 private:
  void Remember(const mcp::Json& value);

  std::unique_ptr<mcp::StdioClient> process_;
  std::string received_;
};

// The fixture every gateway test starts from: a fresh folder and key per test.
class GatewayTestBase : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // A SQLite database with table `items` (apple, pear), as a connection string.
  std::string SampleDatabase();
  std::unique_ptr<GatewayProcess> StartGateway(const mcp::Json& config,
                                               const std::vector<std::string>& environment = {}) {
    return GatewayProcess::Start(dir_, config, key_, {}, environment);
  }

  std::filesystem::path dir_;
  std::string key_;
};

// How a run of `aurite serve` that should not get ready ended.
struct FailedStart {
  int status = -1;  // wait status
  std::string stderr_text;
  bool became_ready = false;  // it printed its ready line (then it was stopped)
};
// Writes `config` (raw text) to dir/aurite.json and runs `aurite serve` on it
// until it exits or says it is ready; `environment` ("NAME=value") is added
// to the gateway's.
FailedStart RunServeExpectingFailure(const std::filesystem::path& dir, const std::string& config,
                                     const std::string& key,
                                     const std::vector<std::string>& environment = {});

// `aurite serve --transport http --port <port>` on dir/aurite.json
// (`config`), its stderr appended to dir/host.log; port() is the one it
// printed. `environment` ("NAME=value") is added to the gateway's; `port` 0
// is any free one (a restarted instance takes its old one again).
class HttpGateway {
 public:
  static std::unique_ptr<HttpGateway> Start(const std::filesystem::path& dir,
                                            const mcp::Json& config, const std::string& key,
                                            const std::vector<std::string>& environment = {},
                                            std::uint16_t port = 0);
  ~HttpGateway();
  std::uint16_t port() const { return port_; }
  pid_t pid() const;
  // SIGKILL, as a crash would, and waits for the process to be gone (its
  // sockets closed); the destructor then has nothing left to stop.
  void Kill();
  // A new, initialized client session.
  std::unique_ptr<mcp::HttpClient> Connect() const;

 private:
  std::unique_ptr<runtime::ChildProcess> child_;
  std::uint16_t port_ = 0;
};

// `aurite sql-server --http 0 <flags>` with `environment`; port() is the one it printed.
class HttpSqlServer {
 public:
  static std::unique_ptr<HttpSqlServer> Start(std::vector<std::string> flags,
                                              std::vector<std::string> environment = {},
                                              std::uint16_t port = 0);
  ~HttpSqlServer();
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }
  const std::string& log() const { return log_; }

 private:
  std::unique_ptr<runtime::ChildProcess> child_;
  std::uint16_t port_ = 0;
  std::string log_;
};

// Child processes of `pid`.
std::vector<pid_t> ChildrenOf(pid_t pid);
// /proc/<pid>/cmdline or /proc/<pid>/environ, NULs kept.
std::string ProcFile(pid_t pid, const char* name);
std::string ReadFile(const std::filesystem::path& path);
// Every regular file under `root`, symbolic links not followed. A running
// server deletes files as it goes (temporary files, recycled WAL, journals):
// what vanishes during the walk is skipped, where a directory iterator
// would throw.
std::vector<std::filesystem::path> FilesUnder(const std::filesystem::path& root);

// Creates the SQLite file `path` and runs `statements` on it.
void CreateDatabase(const std::filesystem::path& path, const std::vector<std::string>& statements);

using mcp::testing::ErrorText;
using mcp::testing::Structured;

}  // namespace aurite::e2e
