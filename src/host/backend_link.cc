// The stdio and Streamable HTTP links to backend servers.
#include "host/backend_link.h"

#include <re2/re2.h>
#include <strings.h>

#include <algorithm>
#include <charconv>

#include "host/credentials_responder.h"
#include "host/server_environment.h"
#include "mcp/transport/http_client.h"
#include "mcp/transport/stdio_client.h"

namespace aurite::host {
namespace {

// `aurite sql-server` takes some of the server's settings as flags, unless
// its args already give them.
bool IsSqlServer(const std::vector<std::string>& args) {
  return !args.empty() && args.front() == "sql-server";
}

bool Lacks(const std::vector<std::string>& args, std::string_view flag) {
  return std::none_of(args.begin(), args.end(), [flag](const std::string& arg) {
    return arg == flag || arg.starts_with(std::string(flag) + "=");
  });
}

mcp::ClientOptions BackendClientOptions(const ServerConfig& server) {
  mcp::ClientOptions options;
  options.capabilities = HostClientCapabilities();
  options.session.default_timeout = server.timeout;
  options.session.limits.max_bytes = server.max_message_bytes;
  return options;
}

class StdioLink : public BackendLink {
 public:
  explicit StdioLink(std::unique_ptr<mcp::StdioClient> client) : client_(std::move(client)) {}
  mcp::McpClient& client() override { return client_->client(); }
  bool exited() const override { return client_->exited(); }
  bool stalled() const override { return client_->stalled(); }
  std::optional<pid_t> pid() const override {
    if (client_->exited()) return std::nullopt;
    return client_->pid();
  }
  int Shutdown() override { return client_->Shutdown(); }

 private:
  std::unique_ptr<mcp::StdioClient> client_;
};

class HttpLink : public BackendLink {
 public:
  explicit HttpLink(mcp::HttpClientOptions options)
      : client_(std::make_unique<mcp::HttpClient>(std::move(options))) {}
  mcp::McpClient& client() override { return client_->client(); }
  bool exited() const override { return false; }
  bool stalled() const override { return false; }
  std::optional<pid_t> pid() const override { return std::nullopt; }
  int Shutdown() override {
    if (!client_->session_id().empty()) (void)client_->Terminate();
    return 0;
  }

 private:
  std::unique_ptr<mcp::HttpClient> client_;
};

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The bearer token of an `Authorization: Bearer …` header, the only header
// the HTTP client can send.
StatusOr<crypto::SecretBuffer> BearerToken(const ServerConfig& server) {
  crypto::SecretBuffer token;
  for (const auto& [name, value] : server.headers) {
    const std::string where = "mcpServers." + server.name + ".headers." + name;
    if (::strcasecmp(name.c_str(), "Authorization") != 0) {
      return InvalidArgumentError(where +
                                  ": only the Authorization header (\"Bearer …\") can be sent to "
                                  "an HTTP backend; remove this header");
    }
    std::string_view text = value.Reveal();
    constexpr std::string_view kScheme = "Bearer ";
    if (text.size() <= kScheme.size() ||
        ::strncasecmp(text.data(), kScheme.data(), kScheme.size()) != 0) {
      return InvalidArgumentError(where + ": expected \"Bearer <token>\"");
    }
    token = crypto::SecretBuffer::CopyFrom(text.substr(kScheme.size()));
  }
  return token;
}

}  // namespace

StatusOr<HttpTarget> ParseHttpUrl(const std::string& url) {
  static const re2::RE2 kUrl(
      R"(^(https?)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?(/[^#\s]*)?$)");
  std::string scheme;
  std::string host;
  std::string port;
  std::string path;
  if (!re2::RE2::FullMatch(url, kUrl, &scheme, &host, &port, &path)) {
    return InvalidArgumentError(
        "not an http(s) URL of the form scheme://host[:port]/path (user info and fragments are "
        "not supported)");
  }
  HttpTarget target;
  target.tls = scheme == "https";
  target.host = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  target.path = path.empty() ? "/" : path;
  target.port = target.tls ? 443 : 80;
  if (!port.empty()) {
    unsigned value = 0;
    std::from_chars(port.data(), port.data() + port.size(), value);
    if (value == 0 || value > 65535) return InvalidArgumentError("the port must be 1-65535");
    target.port = static_cast<std::uint16_t>(value);
  }
  return target;
}

StatusOr<std::unique_ptr<BackendLink>> OpenStdioLink(const ServerConfig& server,
                                                     std::function<void()> on_exit,
                                                     std::function<void()> on_stalled) {
  mcp::StdioClientOptions options;
  options.spawn.program = server.command;
  options.spawn.arguments = server.args;
  if (IsSqlServer(server.args)) {
    if (server.allow_writes && Lacks(server.args, "--allow-writes")) {
      options.spawn.arguments.push_back("--allow-writes");
    }
    if (server.allow_privileged_login && Lacks(server.args, "--allow-privileged-login")) {
      options.spawn.arguments.push_back("--allow-privileged-login");
    }
    // Its answers must fit what we read: the limits agree end to end.
    if (Lacks(server.args, "--max-message-bytes")) {
      options.spawn.arguments.push_back("--max-message-bytes");
      options.spawn.arguments.push_back(std::to_string(server.max_message_bytes));
    }
    // Our readers poll already (busy_poll): a third poller, in the server,
    // would take the CPU that they and the database need (gateway_bench:
    // p50 through the gateway 105-121 us without it, 124-293 us with it).
    if (Lacks(server.args, "--busy-poll-us")) {
      options.spawn.arguments.push_back("--busy-poll-us");
      options.spawn.arguments.push_back("0");
    }
  }
  options.spawn.environment = BuildServerEnvironment(server);
  options.client = BackendClientOptions(server);
  options.log_name = server.name;
  options.shutdown_grace = std::chrono::milliseconds(500);
  options.on_exit = std::move(on_exit);
  options.on_stalled = std::move(on_stalled);
  options.busy_poll = server.busy_poll;
  options.write_deadline = server.write_timeout;
  StatusOr<std::unique_ptr<mcp::StdioClient>> started = mcp::StdioClient::Start(std::move(options));
  if (!started.ok()) {
    return UnavailableError("could not start server '" + server.name +
                            "': " + started.status().message());
  }
  return std::unique_ptr<BackendLink>(std::make_unique<StdioLink>(std::move(started).value()));
}

StatusOr<std::unique_ptr<BackendLink>> OpenHttpLink(const ServerConfig& server) {
  StatusOr<HttpTarget> target = ParseHttpUrl(server.url);
  if (!target.ok()) {
    return InvalidArgumentError("mcpServers." + server.name + ".url: " + target.status().message());
  }
  if (server.HasCapability("storage") && !target->tls && !IsLoopbackHost(target->host)) {
    return InvalidArgumentError(
        "mcpServers." + server.name +
        ": a \"storage\" backend receives database secrets, so its url must be https:// or a "
        "loopback address (127.0.0.1, ::1, localhost)");
  }
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer bearer, BearerToken(server));
  mcp::HttpClientOptions options;
  options.host = target->host;
  options.port = target->port;
  options.path = target->path;
  options.tls = target->tls;
  options.bearer_token = std::move(bearer);
  options.client = BackendClientOptions(server);
  return std::unique_ptr<BackendLink>(std::make_unique<HttpLink>(std::move(options)));
}

}  // namespace aurite::host
