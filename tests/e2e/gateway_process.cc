// Test support: running `aurite serve` over stdio.
#include "gateway_process.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "crypto/fernet_key.h"
#include "mcp/core/message_parser.h"
#include "runtime/line_reader.h"
#include "servers/sql/http_sql_server_process.h"
#include "sql/connection.h"

namespace aurite::e2e {

std::string NewKey() { return std::string(crypto::FernetKey::Generate().ToText().Reveal()); }

mcp::Json BaseConfig(const std::filesystem::path& dir) {
  return {{"mcpServers",
           {{"sql",
             {{"command", AURITE_BINARY},
              {"args", {"sql-server", "--allow-writes"}},
              {"capabilities", {"tools", "storage"}},
              {"restart", {{"policy", "on-failure"}, {"initial_backoff", "50ms"}}}}},
            {"probe",
             {{"command", AURITE_E2E_PROBE},
              {"env", {{"PROBE_MODE", "e2e"}}},
              {"capabilities", {"tools"}}}}}},
          {"security",
           {{"store_path", (dir / "store.db").string()},
            {"audit_log", (dir / "audit.jsonl").string()},
            {"default_token_ttl", "1h"}}},
          {"gateway", {{"transport", "stdio"}}}};
}

mcp::Json HttpConfig(const std::filesystem::path& dir) {
  mcp::Json config = BaseConfig(dir);
  config["gateway"] = {{"transport", "http"}};
  return config;
}

std::unique_ptr<GatewayProcess> GatewayProcess::Start(
    const std::filesystem::path& dir, const mcp::Json& config, const std::string& key,
    const std::function<void(mcp::McpClient&)>& prepare,
    const std::vector<std::string>& environment) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "aurite.json") << config.dump(2);
  mcp::StdioClientOptions options;
  options.spawn.program = "/bin/sh";
  options.spawn.arguments = {"-c", "exec \"$0\" serve --config \"$1\" 2>>\"$2\"", AURITE_BINARY,
                             (dir / "aurite.json").string(), (dir / "host.log").string()};
  options.spawn.environment = {"PATH=/usr/bin:/bin", "AURITE_MCP_ENCRYPTION_KEY=" + key};
  options.spawn.environment.insert(options.spawn.environment.end(), environment.begin(),
                                   environment.end());
  options.log_name = "gateway";
  options.client.session.default_timeout = std::chrono::seconds(60);
  // Like a real client, take every answer the gateway may give (its backends'
  // answers are bounded by their max_message_bytes, 16 MiB by default).
  options.client.session.limits.max_bytes = mcp::kDefaultServerMessageBytes;
  auto gateway = std::make_unique<GatewayProcess>();
  StatusOr<std::unique_ptr<mcp::StdioClient>> process = mcp::StdioClient::Start(std::move(options));
  EXPECT_TRUE(process.ok()) << process.status().ToString();
  if (!process.ok()) return nullptr;
  gateway->process_ = std::move(process).value();
  if (prepare) prepare(gateway->client());
  mcp::RpcResult initialized = gateway->client().Initialize();
  EXPECT_TRUE(initialized.ok()) << (initialized.ok() ? "" : initialized.error().message) << "\n"
                                << ReadFile(dir / "host.log");
  if (!initialized.ok()) return nullptr;
  return gateway;
}

mcp::Json GatewayProcess::Call(const std::string& tool, mcp::Json arguments) {
  mcp::RpcResult result = client().CallTool(tool, std::move(arguments));
  EXPECT_TRUE(result.ok()) << tool << ": " << (result.ok() ? "" : result.error().message);
  if (!result.ok()) {
    received_ += result.error().message + "\n";
    return mcp::Json::object();
  }
  Remember(result.value());
  return result.value();
}

void GatewayProcess::Remember(const mcp::Json& value) {
  received_ += value.dump() + "\n";
  if (value.is_string()) received_ += value.get<std::string>() + "\n";
  if (value.is_structured()) {
    for (const mcp::Json& item : value) Remember(item);
  }
}

FailedStart RunServeExpectingFailure(const std::filesystem::path& dir, const std::string& config,
                                     const std::string& key,
                                     const std::vector<std::string>& environment) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "aurite.json") << config;
  runtime::SpawnOptions spawn;
  spawn.program = AURITE_BINARY;
  spawn.arguments = {"serve", "--config", (dir / "aurite.json").string()};
  spawn.environment = {"PATH=/usr/bin:/bin", "AURITE_MCP_ENCRYPTION_KEY=" + key};
  spawn.environment.insert(spawn.environment.end(), environment.begin(), environment.end());
  FailedStart outcome;
  StatusOr<std::unique_ptr<runtime::ChildProcess>> child = runtime::ChildProcess::Spawn(spawn);
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  if (!child.ok()) return outcome;
  runtime::LineReader reader((*child)->stderr_fd(), 1 << 16);
  while (auto item = reader.Next()) {
    outcome.stderr_text += item->line + "\n";
    if (item->line.find("aurite serve: ready") != std::string::npos) {
      outcome.became_ready = true;
      break;
    }
  }
  outcome.status = (*child)->Shutdown(std::chrono::seconds(5));
  return outcome;
}

std::unique_ptr<HttpGateway> HttpGateway::Start(const std::filesystem::path& dir,
                                                const mcp::Json& config, const std::string& key,
                                                const std::vector<std::string>& environment,
                                                std::uint16_t port) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "aurite.json") << config.dump(2);
  const std::filesystem::path log = dir / "host.log";
  // A restart appends to the same log: only a ready line after this offset counts.
  const std::size_t log_start = ReadFile(log).size();
  runtime::SpawnOptions spawn;
  spawn.program = "/bin/sh";
  const char* command =
      "exec \"$0\" serve --config \"$1\" --transport http --port \"$3\" 2>>\"$2\"";
  spawn.arguments = {"-c",          command,
                     AURITE_BINARY, (dir / "aurite.json").string(),
                     log.string(),  std::to_string(port)};
  spawn.environment = {"PATH=/usr/bin:/bin", "AURITE_MCP_ENCRYPTION_KEY=" + key};
  spawn.environment.insert(spawn.environment.end(), environment.begin(), environment.end());
  auto gateway = std::make_unique<HttpGateway>();
  StatusOr<std::unique_ptr<runtime::ChildProcess>> child = runtime::ChildProcess::Spawn(spawn);
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  if (!child.ok()) return gateway;
  gateway->child_ = std::move(child).value();
  const std::string ready = "ready at http://127.0.0.1:";
  // The ready line is the only way to learn the port; wait for it like a client would.
  for (int i = 0; i < 600 && gateway->port_ == 0; ++i) {
    const std::string text = ReadFile(log);
    if (std::size_t at = text.find(ready, log_start); at != std::string::npos) {
      gateway->port_ = static_cast<std::uint16_t>(std::stoi(text.substr(at + ready.size())));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_NE(gateway->port_, 0) << ReadFile(log);
  return gateway;
}

pid_t HttpGateway::pid() const { return child_ ? child_->pid() : 0; }

void HttpGateway::Kill() {
  if (!child_) return;
  ::kill(child_->pid(), SIGKILL);
  child_->Shutdown(std::chrono::seconds(10));
  child_.reset();
}

HttpGateway::~HttpGateway() {
  if (!child_) return;
  ::kill(child_->pid(), SIGTERM);
  child_->Shutdown(std::chrono::seconds(10));
}

std::unique_ptr<mcp::HttpClient> HttpGateway::Connect() const {
  mcp::HttpClientOptions options;
  options.port = port_;
  options.client.session.default_timeout = std::chrono::seconds(60);
  options.client.session.limits.max_bytes = mcp::kDefaultServerMessageBytes;
  auto client = std::make_unique<mcp::HttpClient>(std::move(options));
  mcp::RpcResult initialized = client->client().Initialize();
  EXPECT_TRUE(initialized.ok()) << (initialized.ok() ? "" : initialized.error().message);
  return client;
}

std::unique_ptr<HttpSqlServer> HttpSqlServer::Start(std::vector<std::string> flags,
                                                    std::vector<std::string> environment,
                                                    std::uint16_t port) {
  servers::sql::HttpSqlServerProcess process =
      servers::sql::StartHttpSqlServer(std::move(flags), std::move(environment), port);
  auto server = std::make_unique<HttpSqlServer>();
  server->child_ = std::move(process.child);
  server->port_ = process.port;
  server->log_ = std::move(process.log);
  return server;
}

HttpSqlServer::~HttpSqlServer() {
  if (!child_) return;
  ::kill(child_->pid(), SIGTERM);  // stdin means nothing to an HTTP server
  child_->Shutdown(std::chrono::seconds(5));
}

std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> children;
  std::unique_ptr<DIR, int (*)(DIR*)> proc(opendir("/proc"), closedir);
  while (dirent* entry = readdir(proc.get())) {
    pid_t candidate = std::atoi(entry->d_name);
    if (candidate <= 0) continue;
    std::string stat = ReadFile("/proc/" + std::to_string(candidate) + "/stat");
    std::size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent == pid) children.push_back(candidate);
  }
  return children;
}

std::string ProcFile(pid_t pid, const char* name) {
  return ReadFile("/proc/" + std::to_string(pid) + "/" + name);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> FilesUnder(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> files;
  std::vector<std::filesystem::path> folders = {root};
  while (!folders.empty()) {
    const std::filesystem::path folder = std::move(folders.back());
    folders.pop_back();
    std::error_code error;
    for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end;
         it.increment(error)) {
      std::error_code gone;
      const std::filesystem::file_status status = it->symlink_status(gone);
      if (std::filesystem::is_directory(status)) folders.push_back(it->path());
      if (std::filesystem::is_regular_file(status)) files.push_back(it->path());
    }
  }
  return files;
}

void CreateDatabase(const std::filesystem::path& path, const std::vector<std::string>& statements) {
  sql::ConnectionConfig config;
  config.engine = sql::Engine::kSqlite;
  config.path = path.string();
  auto connection = sql::OpenConnection(config, {.allow_writes = true});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  for (const std::string& statement : statements) {
    auto done = (*connection)->Execute(statement, {}, {});
    ASSERT_TRUE(done.ok()) << statement << ": " << done.status().ToString();
  }
}

void GatewayTestBase::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = std::filesystem::path(::testing::TempDir()) /
         ("aurite-e2e-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
          info->name());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  key_ = NewKey();
}

void GatewayTestBase::TearDown() { std::filesystem::remove_all(dir_); }

std::string GatewayTestBase::SampleDatabase() {
  std::filesystem::path file = dir_ / "sample.db";
  CreateDatabase(file, {"CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)",
                        "INSERT INTO items(name) VALUES ('apple'), ('pear')"});
  return "sqlite:///" + file.string();
}

}  // namespace aurite::e2e
