// `aurite serve`: the MCP host and gateway, over stdio or Streamable HTTP.
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/security_context.h"
#include "crypto/key_loader.h"
#include "host/auth_failure_monitor.h"
#include "host/config.h"
#include "host/connection_elicitation.h"
#include "host/gateway.h"
#include "host/gateway_authenticator.h"
#include "host/host_metrics.h"
#include "host/live_gauges.h"
#include "host/mcp_host.h"
#include "host/oauth_discovery.h"
#include "host/ops_endpoints.h"
#include "host/readiness_checks.h"
#include "host/storage_router.h"
#include "mcp/transport/http_server.h"
#include "mcp/transport/stdio_server.h"
#include "runtime/log.h"
#include "security/masking.h"
#include "security/redacting_sink.h"

namespace aurite::cli {
namespace {

struct ServeFlags {
  std::string config_file = "aurite.json";
  std::string transport;
  std::string host;
  int port = -1;
};

// The manager the log redactor uses once the host exists; before that only
// the detection rules apply.
std::atomic<security::SecurityManager*> g_redacting_manager{nullptr};

void InstallRedactingLoggers() {
  auto sink = std::make_shared<security::RedactingSink>(
      std::make_shared<spdlog::sinks::stderr_sink_mt>(), [](std::string_view text) {
        security::SecurityManager* manager = g_redacting_manager.load();
        return manager != nullptr ? manager->Redact(text) : security::MaskSecrets(text);
      });
  auto logger = std::make_shared<spdlog::logger>("mcp", sink);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::register_logger(logger);
}

Status ApplyFlags(const ServeFlags& flags, host::GatewayConfig& gateway) {
  if (flags.transport == "stdio") gateway.transport = host::GatewayConfig::Transport::kStdio;
  if (flags.transport == "http") gateway.transport = host::GatewayConfig::Transport::kHttp;
  if (!flags.host.empty()) gateway.host = flags.host;
  if (flags.port >= 0) {
    if (flags.port > 65535) return InvalidArgumentError("--port must be between 0 and 65535");
    gateway.port = static_cast<std::uint16_t>(flags.port);
  }
  return OkStatus();
}

sigset_t ShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

// A listen address as the host part of a URL: a wildcard address names
// this machine, reached by the user's browser on loopback.
std::string UrlHost(const std::string& address) {
  if (address == "0.0.0.0") return "127.0.0.1";
  if (address == "::") return "[::1]";
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

mcp::HttpServerOptions HttpOptions(const host::GatewayConfig& gateway) {
  mcp::HttpServerOptions options;
  options.address = gateway.host;
  options.port = gateway.port;
  options.allowed_origins = gateway.allowed_origins;
  options.limits = gateway.http;
  if (gateway.host != "127.0.0.1" && gateway.host != "localhost") {
    options.allowed_hosts.push_back(gateway.host);
  }
  if (gateway.tls_cert_file) options.tls_certificate_file = gateway.tls_cert_file->string();
  if (gateway.tls_key_file) options.tls_private_key_file = gateway.tls_key_file->string();
  return options;
}

// The audit record that stands for `count` failures of `who` that were not
// recorded one by one.
void AuditSuppressed(security::SecurityManager& security, std::string_view who, std::size_t count) {
  security.AuditAuthFailure(who, "",
                            fmt::format("{} more authentication failures of {}, recorded together "
                                        "(at most 5 are recorded one by one per minute)",
                                        count, who));
}

// Logs and audits each refused token (never the token), counts it, and
// warns when one address or principal keeps failing.
host::GatewayAuthenticator::FailureSink AuthFailureLog(host::AuthFailureMonitor& monitor,
                                                       security::SecurityManager& security,
                                                       host::HostMetrics& metrics) {
  return [&monitor, &security, &metrics](const host::GatewayAuthenticator::Failure& failure) {
    // Counted whether or not the flood rule below records it: the count is
    // what shows a flood.
    metrics.CountDenial(host::HostMetrics::Denial::kAuthFailed);
    // A flood is recorded as its first failures and then one summary a
    // minute (AuthFailureMonitor), so it cannot fill the disk.
    bool record = true;
    std::vector<std::pair<std::string_view, host::AuthFailureMonitor::Verdict>> warnings;
    for (std::string_view who : {failure.address, failure.principal}) {
      if (who.empty()) continue;
      const host::AuthFailureMonitor::Verdict verdict = monitor.Record(who);
      record = record && verdict.record;
      if (verdict.warn) warnings.emplace_back(who, verdict);
    }
    if (record) {
      security.AuditAuthFailure(failure.address, failure.principal, failure.reason);
      runtime::LogInfo("refused HTTP request from {} ({}): {}", failure.address,
                       failure.principal.empty() ? "no principal" : failure.principal,
                       failure.reason);
    }
    for (const auto& [who, verdict] : warnings) {
      runtime::LogWarn(
          "repeated authentication failures: {} failed 5 times within a minute (last: {}){}", who,
          failure.reason,
          verdict.suppressed == 0
              ? ""
              : fmt::format(
                    "; {} more since the last warning were counted, not recorded one by one",
                    verdict.suppressed));
      if (verdict.suppressed > 0) AuditSuppressed(security, who, verdict.suppressed);
    }
  };
}

int ServeHttp(mcp::McpServer& server, host::MCPHost& host, host::Gateway& gateway_tools,
              host::ConnectionElicitation& elicitation) {
  const host::GatewayConfig& gateway = host.config().gateway;
  security::SecurityManager& security = host.security();
  mcp::HttpServerOptions options = HttpOptions(gateway);
  host::AuthFailureMonitor failures;
  std::unique_ptr<host::GatewayAuthenticator> authenticator;
  if (gateway.auth || !gateway.bearer_tokens.empty()) {
    auto made = host::GatewayAuthenticator::Create(
        gateway, gateway.auth ? host::JwksFetcher(*gateway.auth) : nullptr,
        AuthFailureLog(failures, security, host.metrics()));
    if (!made.ok()) return ReportError(made.status());
    authenticator = std::move(made).value();
    options.authenticate = [a = authenticator.get()](std::string_view token,
                                                     std::string_view address) {
      return a->Authenticate(token, address);
    };
    options.protected_resource = authenticator->resource();
  }
  if (gateway.auth && gateway.auth->entry_page) {
    elicitation.UseSignIn(
        std::make_unique<host::EntrySignIn>(*gateway.auth, host::JwksFetcher(*gateway.auth)));
  }
  elicitation.ServeOn(options);
  // Before the server, which calls its pages until it stops.
  host::OpsEndpoints ops(gateway.ops_endpoints, host.metrics().registry(),
                         [&security](std::string_view text) { return security.Redact(text); });
  ops.AddReadinessCheck(host::StoreReadiness(security, host.metrics()));
  ops.AddReadinessCheck(host::BackendsReadiness(host));
  ops.ServeOn(options);
  mcp::HttpServer http(server, std::move(options));
  const auto gauges = host::AddLiveGauges(host.metrics().registry(), security, gateway_tools, http);
  Status started = http.Start();
  if (!started.ok()) {
    // The usual cause is a port already taken (another gateway, or `make
    // run` twice): say how to pick another.
    return ReportError(Status(started.code(), started.message() +
                                                  "; choose another port with --port N "
                                                  "(with make run: make run PORT=N)"));
  }
  std::string scheme = gateway.tls_cert_file ? "https" : "http";
  elicitation.SetPageBase(scheme + "://" + UrlHost(gateway.host) + ":" +
                          std::to_string(http.port()));
  std::cerr << "aurite serve: ready at " << scheme << "://" << gateway.host << ":" << http.port()
            << "/mcp" << std::endl;
  sigset_t signals = ShutdownSignals();
  int received = 0;
  sigwait(&signals, &received);
  http.Stop();
  for (const auto& [who, count] : failures.TakeSuppressed()) AuditSuppressed(security, who, count);
  return kExitOk;
}

int ServeStdio(mcp::McpServer& server, host::MCPHost& host, host::StorageRouter& router) {
  // A signal ends the process from this thread, after purging: the stdio
  // reader cannot be woken from a blocking read.
  std::jthread watcher([&host, &router](std::stop_token stop) {
    sigset_t signals = ShutdownSignals();
    timespec tick{0, 200'000'000};
    while (!stop.stop_requested()) {
      if (sigtimedwait(&signals, nullptr, &tick) > 0) {
        router.DisconnectAll();
        host.Shutdown();
        spdlog::default_logger()->flush();
        ::_exit(kExitOk);
      }
    }
  });
  std::cerr << "aurite serve: ready on stdio" << std::endl;
  mcp::StdioServerOptions options;
  options.busy_poll = host.config().gateway.busy_poll;
  options.write_stall = host.config().gateway.stdio_write_timeout;
  Status served = mcp::ServeStdio(server, options);
  if (!served.ok()) return ReportError(served);
  return kExitOk;
}

int Serve(const ServeFlags& flags) {
  sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  InstallRedactingLoggers();
  StatusOr<host::Config> config = host::LoadConfigFile(flags.config_file);
  if (!config.ok()) return ReportError(config.status());
  if (Status applied = ApplyFlags(flags, config->gateway); !applied.ok()) {
    return ReportError(applied);
  }
  StatusOr<crypto::KeySetting> key = ReadStoreKey(config->security.key_env);
  if (!key.ok()) return ReportError(key.status());
  StatusOr<std::unique_ptr<host::MCPHost>> host =
      host::MCPHost::Create(std::move(config).value(), std::move(key).value());
  if (!host.ok()) return ReportError(host.status());
  g_redacting_manager = &(*host)->security();
  if (Status started = (*host)->Start(); !started.ok()) {
    (*host)->Shutdown();
    return ReportError(started);
  }
  const host::GatewayConfig& options = (*host)->config().gateway;
  host::ConnectionElicitation elicitation(**host, options.connection_entry_lifetime);
  host::StorageRouter router(**host);
  router.SetConnectionRequests(&elicitation);
  host::Gateway gateway(**host, router);
  mcp::McpServer server(host::Gateway::ServerOptions());
  gateway.RegisterWith(server);
  const bool http = options.transport == host::GatewayConfig::Transport::kHttp;
  if (!http) elicitation.UseSideListener(server);
  int status =
      http ? ServeHttp(server, **host, gateway, elicitation) : ServeStdio(server, **host, router);
  router.DisconnectAll();
  (*host)->Shutdown();
  g_redacting_manager = nullptr;
  return status;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CommandResult& result) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Run the MCP host and gateway: your MCP client talks to this, and it runs the "
      "servers of aurite.json with the credentials kept secret");
  command->add_option("-c,--config", flags->config_file, "Configuration file (aurite.json)")
      ->capture_default_str();
  command->add_option("--transport", flags->transport, "stdio or http (default: the config's)")
      ->check(CLI::IsMember({"stdio", "http"}));
  command->add_option("--host", flags->host, "HTTP bind address (default: the config's)");
  command->add_option("--port", flags->port, "HTTP port (default: the config's; 0: any free)");
  command->footer(
      "The store key comes from AURITE_MCP_ENCRYPTION_KEY (or the variable named by "
      "security.key_env, or NAME_FILE). SIGINT/SIGTERM purge connection-scoped tokens and stop "
      "every server. See docs/host.md.");
  command->callback([flags, &result] { result.exit_status = Serve(*flags); });
}

}  // namespace aurite::cli
