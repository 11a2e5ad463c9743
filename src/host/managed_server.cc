// Spawning, initializing and restarting one backend server.
#include "host/managed_server.h"

#include <sys/wait.h>

#include <algorithm>

#include "base/text.h"
#include "mcp/transport/stdio_client.h"
#include "runtime/log.h"

namespace aurite::host {

ManagedServer::ManagedServer(const ServerConfig& config, ClientPreparer prepare)
    : config_(config), prepare_(std::move(prepare)) {}

ManagedServer::~ManagedServer() { Stop(); }

StatusOr<std::shared_ptr<BackendLink>> ManagedServer::Open() {
  StatusOr<std::unique_ptr<BackendLink>> link = [this] {
    if (config_.is_http()) return OpenHttpLink(config_);
    {
      std::lock_guard lock(mu_);
      child_exited_ = false;
    }
    return OpenStdioLink(
        config_,
        [this] {
          std::lock_guard lock(mu_);
          child_exited_ = true;
          changed_.notify_all();
        },
        [this] {
          // A link that stalls while it starts fails its start instead.
          std::lock_guard lock(mu_);
          if (!current_ || !current_->stalled()) return;
          hung_ = true;
          changed_.notify_all();
        });
  }();
  if (!link.ok()) return link.status();
  return std::shared_ptr<BackendLink>(std::move(link).value());
}

StatusOr<std::shared_ptr<BackendLink>> ManagedServer::Launch() {
  AURITE_ASSIGN_OR_RETURN(std::shared_ptr<BackendLink> link, Open());
  if (prepare_) prepare_(config_.name, link->client());
  mcp::RpcResult initialized = link->client().Initialize();
  if (!initialized.ok()) {
    return UnavailableError("server '" + config_.name +
                            "' did not initialize: " + initialized.error().message);
  }
  mcp::RpcResult tools = link->client().ListTools();
  if (!tools.ok()) {
    return UnavailableError("server '" + config_.name +
                            "' did not list its tools: " + tools.error().message);
  }
  std::lock_guard lock(mu_);
  tools_ = tools.value().value("tools", mcp::Json::array());
  ++generation_;
  started_at_ = std::chrono::steady_clock::now();
  return link;
}

Status ManagedServer::Start() {
  AURITE_ASSIGN_OR_RETURN(std::shared_ptr<BackendLink> link, Launch());
  {
    std::lock_guard lock(mu_);
    current_ = std::move(link);
  }
  if (config_.is_http()) return OkStatus();  // nothing to supervise: calls reconnect
  supervisor_ = std::jthread([this](std::stop_token stop) { Supervise(stop); });
  return OkStatus();
}

bool ManagedServer::WaitForExit(std::stop_token& stop, bool& hung) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, stop, [this] { return child_exited_ || hung_; });
  hung = hung_ && !child_exited_;
  if (hung && current_ && current_->stalled()) {
    runtime::LogWarn("[{}] {}; stopping it to restart it", config_.name, StalledText());
  } else if (hung) {
    runtime::LogWarn("[{}] did not answer a ping after a call timed out; stopping it to restart it",
                     config_.name);
  }
  hung_ = false;
  return !stop.stop_requested();
}

bool ManagedServer::ShouldRestart(int wait_status, bool hung, int restarts) const {
  // A hung server we stopped failed, however it then exited.
  bool clean = !hung && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
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
  bool hung = false;
  while (WaitForExit(stop, hung)) {
    std::shared_ptr<BackendLink> gone;
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
    if (!ShouldRestart(status, hung, restarts)) {
      runtime::LogError("[{}] exited (status {}); not restarting it", config_.name, status);
      return;
    }
    runtime::LogWarn("[{}] exited (status {}); restarting in {} ms", config_.name, status,
                     backoff.count());
    ++restarts;
    {
      std::unique_lock lock(mu_);
      if (changed_.wait_for(lock, stop, backoff, [] { return false; }) || stop.stop_requested()) {
        return;
      }
    }
    backoff = std::min(backoff * 2, config_.restart.max_backoff);
    StatusOr<std::shared_ptr<BackendLink>> client = Launch();
    std::lock_guard lock(mu_);
    if (client.ok()) {
      current_ = std::move(client).value();
    } else {
      runtime::LogError("[{}] {}", config_.name, client.status().message());
      child_exited_ = true;  // try again after the next backoff
    }
  }
}

void ManagedServer::Stop() {
  if (supervisor_.joinable()) {
    supervisor_.request_stop();
    supervisor_.join();
  }
  std::shared_ptr<BackendLink> client;
  {
    std::lock_guard lock(mu_);
    client = std::move(current_);
  }
  if (client) client->Shutdown();
}

std::shared_ptr<BackendLink> ManagedServer::Current() const {
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
  std::shared_ptr<BackendLink> link = Current();
  return link ? link->pid() : std::nullopt;
}

bool ManagedServer::running() const {
  std::shared_ptr<BackendLink> link = Current();
  return link && !link->exited();
}

std::shared_ptr<BackendLink> ManagedServer::Connected() {
  if (std::shared_ptr<BackendLink> link = Current(); link || !config_.is_http()) return link;
  std::lock_guard reconnecting(reconnect_mu_);
  if (std::shared_ptr<BackendLink> link = Current()) return link;
  StatusOr<std::shared_ptr<BackendLink>> link = Launch();
  if (!link.ok()) {
    runtime::LogWarn("[{}] {}", config_.name, link.status().message());
    return nullptr;
  }
  runtime::LogInfo("[{}] reconnected", config_.name);
  std::lock_guard lock(mu_);
  current_ = *link;
  return *link;
}

void ManagedServer::Forget(const std::shared_ptr<BackendLink>& link) {
  std::shared_ptr<BackendLink> gone;
  {
    std::lock_guard lock(mu_);
    if (current_ != link) return;
    gone = std::move(current_);
    ++generation_;  // the server's state (its connection ids) went with the session
  }
  runtime::LogWarn("[{}] lost the connection; the next call reconnects", config_.name);
  gone->Shutdown();
}

mcp::RpcResult ManagedServer::CallTool(const std::string& tool, mcp::Json arguments,
                                       mcp::CallOptions options) {
  std::shared_ptr<BackendLink> link = Connected();
  if (!link || link->exited()) return Unreachable();
  if (!options.timeout) options.timeout = config_.timeout;
  mcp::RpcResult result = link->client().CallTool(tool, std::move(arguments), options);
  ForgetIfLost(link, result);
  AfterCall(link, *options.timeout, result);
  return result;
}

Status ManagedServer::Notify(const std::string& method, mcp::Json params) {
  std::shared_ptr<BackendLink> link = Current();
  if (!link || link->exited()) return UnavailableError(Unreachable().message);
  return link->client().Notify(method, std::move(params));
}

void ManagedServer::CallToolAsync(const std::string& tool, mcp::Json arguments,
                                  mcp::CallOptions options, mcp::Session::CallDone done) {
  // An HTTP call is a request-response exchange on the calling thread anyway,
  // and a lost session must be forgotten outside it.
  if (config_.is_http()) {
    done(CallTool(tool, std::move(arguments), std::move(options)));
    return;
  }
  std::shared_ptr<BackendLink> link = Current();
  if (!link || link->exited()) {
    done(Unreachable());
    return;
  }
  if (!options.timeout) options.timeout = config_.timeout;
  link->client().CallToolAsync(
      tool, std::move(arguments), options,
      // Weak: the callback is kept by the link's own session.
      [this, weak = std::weak_ptr<BackendLink>(link), timeout = *options.timeout,
       done = std::move(done)](mcp::RpcResult result) {
        AfterCall(weak.lock(), timeout, result);
        done(std::move(result));
      });
}

void ManagedServer::AfterCall(const std::shared_ptr<BackendLink>& link,
                              std::chrono::milliseconds timeout, mcp::RpcResult& result) {
  if (result.ok()) return;
  if (link && link->stalled() && result.error().code == mcp::error_code::kConnectionClosed) {
    // The supervisor already restarts it (on_stalled): say why the call failed.
    result = mcp::MakeError(mcp::error_code::kRequestTimeout,
                            "server '" + config_.name + "' " + StalledText() +
                                "; it is being restarted, so try again in a moment");
    return;
  }
  if (result.error().code != mcp::error_code::kRequestTimeout) return;
  result = mcp::MakeError(mcp::error_code::kRequestTimeout,
                          "server '" + config_.name + "' did not answer within its timeout of " +
                              SecondsText(timeout) + " (mcpServers." + config_.name + ".timeout)");
  if (link && !config_.is_http()) Probe(link);
}

void ManagedServer::Probe(const std::shared_ptr<BackendLink>& link) {
  const BackendLink* probed = link.get();
  {
    std::lock_guard lock(mu_);
    if (probing_ == probed || current_ != link) return;  // one ping at a time, to the live link
    probing_ = probed;
  }
  mcp::CallOptions options;
  options.timeout = std::min(config_.timeout, kMaxPingWait);
  // The answer comes before the link is shut down (which fails the ping),
  // so before Stop() returns: `this` outlives it.
  link->client().rpc().CallAsync("ping", nullptr, options, [this, probed](mcp::RpcResult answer) {
    std::lock_guard lock(mu_);
    if (probing_ == probed) probing_ = nullptr;
    if (answer.ok() || answer.error().code != mcp::error_code::kRequestTimeout) return;
    if (current_.get() != probed) return;
    hung_ = true;
    changed_.notify_all();
  });
}

std::string ManagedServer::StalledText() const {
  return "has not read its input for " + SecondsText(config_.write_timeout) +
         " (it is stopped or hung)";
}

mcp::RpcError ManagedServer::Unreachable() const {
  return mcp::MakeError(
      mcp::error_code::kConnectionClosed,
      config_.is_http() ? "server '" + config_.name + "' cannot be reached at its url"
                        : "server '" + config_.name + "' is not running; it is being restarted");
}

void ManagedServer::ForgetIfLost(const std::shared_ptr<BackendLink>& link,
                                 const mcp::RpcResult& result) {
  if (config_.is_http() && !result.ok() &&
      result.error().code == mcp::error_code::kConnectionClosed) {
    Forget(link);
  }
}

}  // namespace aurite::host
