// Spawning, initializing and restarting one backend server.
#include "host/managed_server.h"

#include <sys/wait.h>

#include <algorithm>

#include "host/credentials_responder.h"
#include "host/server_environment.h"
#include "mcp/log.h"

namespace aurite::host {
namespace {

// `aurite sql-server` takes the server's allow_writes as a flag.
bool IsSqlServer(const std::vector<std::string>& args) {
  return !args.empty() && args.front() == "sql-server" &&
         std::find(args.begin(), args.end(), "--allow-writes") == args.end();
}

}  // namespace

ManagedServer::ManagedServer(const ServerConfig& config, ClientPreparer prepare)
    : config_(config), prepare_(std::move(prepare)) {}

ManagedServer::~ManagedServer() { Stop(); }

StatusOr<std::shared_ptr<mcp::StdioClient>> ManagedServer::Launch() {
  mcp::StdioClientOptions options;
  options.spawn.program = config_.command;
  options.spawn.arguments = config_.args;
  if (config_.allow_writes && IsSqlServer(config_.args)) {
    options.spawn.arguments.push_back("--allow-writes");
  }
  options.spawn.environment = BuildServerEnvironment(config_);
  options.client.capabilities = HostClientCapabilities();
  options.client.session.default_timeout = config_.timeout;
  options.log_name = config_.name;
  options.shutdown_grace = std::chrono::milliseconds(500);
  options.on_exit = [this] {
    std::lock_guard lock(mu_);
    child_exited_ = true;
    changed_.notify_all();
  };
  {
    std::lock_guard lock(mu_);
    child_exited_ = false;
  }
  StatusOr<std::unique_ptr<mcp::StdioClient>> started = mcp::StdioClient::Start(std::move(options));
  if (!started.ok()) {
    return UnavailableError("could not start server '" + config_.name +
                            "': " + started.status().message());
  }
  std::shared_ptr<mcp::StdioClient> client = std::move(started).value();
  if (prepare_) prepare_(config_.name, client->client());
  mcp::RpcResult initialized = client->client().Initialize();
  if (!initialized.ok()) {
    return UnavailableError("server '" + config_.name +
                            "' did not initialize: " + initialized.error().message);
  }
  mcp::RpcResult tools = client->client().ListTools();
  if (!tools.ok()) {
    return UnavailableError("server '" + config_.name +
                            "' did not list its tools: " + tools.error().message);
  }
  std::lock_guard lock(mu_);
  tools_ = tools.value().value("tools", mcp::Json::array());
  ++generation_;
  started_at_ = std::chrono::steady_clock::now();
  return client;
}

Status ManagedServer::Start() {
  if (config_.is_http()) {
    return UnimplementedError("server '" + config_.name +
                              "': HTTP backends (url) are not supported yet; run it over stdio "
                              "with `command`");
  }
  AURITE_ASSIGN_OR_RETURN(std::shared_ptr<mcp::StdioClient> client, Launch());
  {
    std::lock_guard lock(mu_);
    current_ = std::move(client);
  }
  supervisor_ = std::jthread([this](std::stop_token stop) { Supervise(stop); });
  return OkStatus();
}

bool ManagedServer::WaitForExit(std::stop_token& stop) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, stop, [this] { return child_exited_; });
  return !stop.stop_requested();
}

bool ManagedServer::ShouldRestart(int wait_status, int restarts) const {
  bool clean = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
  switch (config_.restart.mode) {
    case RestartPolicy::Mode::kNever:
      return false;
    case RestartPolicy::Mode::kOnFailure:
      if (clean) return false;
      break;
    case RestartPolicy::Mode::kAlways:
      break;
  }
  return restarts < config_.restart.max_restarts;
}

void ManagedServer::Supervise(std::stop_token stop) {
  int restarts = 0;
  std::chrono::milliseconds backoff = config_.restart.initial_backoff;
  while (WaitForExit(stop)) {
    std::shared_ptr<mcp::StdioClient> gone;
    std::chrono::steady_clock::time_point started_at;
    {
      std::lock_guard lock(mu_);
      gone = std::move(current_);
      started_at = started_at_;
    }
    int status = gone ? gone->Shutdown() : -1;  // none: the last launch failed
    gone.reset();
    if (std::chrono::steady_clock::now() - started_at > config_.restart.max_backoff) {
      restarts = 0;
      backoff = config_.restart.initial_backoff;
    }
    if (!ShouldRestart(status, restarts)) {
      mcp::Logger().error("[{}] exited (status {}); not restarting it", config_.name, status);
      return;
    }
    mcp::Logger().warn("[{}] exited (status {}); restarting in {} ms", config_.name, status,
                       backoff.count());
    ++restarts;
    {
      std::unique_lock lock(mu_);
      if (changed_.wait_for(lock, stop, backoff, [] { return false; }) || stop.stop_requested()) {
        return;
      }
    }
    backoff = std::min(backoff * 2, config_.restart.max_backoff);
    StatusOr<std::shared_ptr<mcp::StdioClient>> client = Launch();
    std::lock_guard lock(mu_);
    if (client.ok()) {
      current_ = std::move(client).value();
    } else {
      mcp::Logger().error("[{}] {}", config_.name, client.status().message());
      child_exited_ = true;  // try again after the next backoff
    }
  }
}

void ManagedServer::Stop() {
  if (supervisor_.joinable()) {
    supervisor_.request_stop();
    supervisor_.join();
  }
  std::shared_ptr<mcp::StdioClient> client;
  {
    std::lock_guard lock(mu_);
    client = std::move(current_);
  }
  if (client) client->Shutdown();
}

std::shared_ptr<mcp::StdioClient> ManagedServer::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

mcp::Json ManagedServer::tools() const {
  std::lock_guard lock(mu_);
  return tools_;
}

std::uint64_t ManagedServer::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::optional<pid_t> ManagedServer::pid() const {
  std::shared_ptr<mcp::StdioClient> client = Current();
  if (!client || client->exited()) return std::nullopt;
  return client->pid();
}

bool ManagedServer::running() const { return pid().has_value(); }

mcp::RpcResult ManagedServer::CallTool(const std::string& tool, mcp::Json arguments,
                                       mcp::CallOptions options) {
  std::shared_ptr<mcp::StdioClient> client = Current();
  if (!client || client->exited()) {
    return mcp::MakeError(mcp::error_code::kConnectionClosed,
                          "server '" + config_.name + "' is not running; it is being restarted");
  }
  if (!options.timeout) options.timeout = config_.timeout;
  return client->client().CallTool(tool, std::move(arguments), options);
}

}  // namespace aurite::host
