// `aurite sql-server`: the SQL MCP server over stdio, or over Streamable HTTP
// through the shared transport (mcp/http_server.h) with --http.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "base/memory_cap.h"
#include "base/unique_fd.h"
#include "cli/command.h"
#include "crypto/secret_reader.h"
#include "mcp/core/message_parser.h"
#include "mcp/transport/bearer_auth.h"
#include "mcp/transport/http_server.h"
#include "mcp/transport/stdio_server.h"
#include "servers/sql/sql_server.h"

namespace aurite::cli {
namespace {

struct HttpFlags {
  int port = -1;  // -1: serve stdio
  std::string host = "127.0.0.1";
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
  std::string bearer_token_env;
  std::string bearer_token_file;
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  mcp::HttpLimits limits;
  double session_idle_timeout_s = 1800;
};

struct SqlServerFlags {
  bool allow_writes = false;
  bool allow_privileged_login = false;
  std::size_t max_rows = 1000;
  std::size_t max_result_bytes = 4 * 1024 * 1024;
  std::size_t max_message_bytes = mcp::kDefaultServerMessageBytes;
  double statement_timeout_s = 30;
  std::size_t max_connections = 16;
  std::size_t sessions_per_connection = 4;
  double idle_timeout_s = 300;
  // Unset: kDefaultMaxMemory, or more when --max-message-bytes needs it.
  std::optional<std::size_t> max_memory;
  // How long a read of stdin polls before it sleeps (see StdioServerOptions).
  int busy_poll_us = 300;
  HttpFlags http;
};

// The process's memory cap (RLIMIT_DATA) unless --max-memory says otherwise.
constexpr std::size_t kDefaultMaxMemory = std::size_t{1} << 30;
// Below this the server cannot start its threads and load a client library.
constexpr std::size_t kMinMaxMemory = std::size_t{64} << 20;

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The bearer token from --bearer-token-env (then removed from our
// environment) or --bearer-token-file, as the digest the transport keeps.
StatusOr<std::string> BearerTokenDigest(const HttpFlags& flags) {
  crypto::SecretBuffer token;
  if (!flags.bearer_token_env.empty()) {
    const char* value = std::getenv(flags.bearer_token_env.c_str());
    if (value == nullptr || *value == '\0') {
      return InvalidArgumentError("the environment variable " + flags.bearer_token_env +
                                  " named by --bearer-token-env is not set");
    }
    token = crypto::SecretBuffer::CopyFrom(std::string_view(value));
    ::unsetenv(flags.bearer_token_env.c_str());
  } else {
    UniqueFd file(::open(flags.bearer_token_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file.valid()) {
      return InvalidArgumentError("cannot open the --bearer-token-file " + flags.bearer_token_file);
    }
    AURITE_ASSIGN_OR_RETURN(token, crypto::ReadSecret(file.get(), 4096));
  }
  std::string_view text = token.Reveal();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (text.size() < 16) {
    return InvalidArgumentError("the bearer token must have at least 16 characters");
  }
  return mcp::TokenDigestHex(text);
}

StatusOr<mcp::HttpServerOptions> HttpOptions(const HttpFlags& flags) {
  mcp::HttpServerOptions options;
  options.address = flags.host;
  options.port = static_cast<std::uint16_t>(flags.port);
  for (const std::string& host : flags.allowed_hosts) options.allowed_hosts.push_back(host);
  options.allowed_origins = flags.allowed_origins;
  options.tls_certificate_file = flags.tls_certificate_file;
  options.tls_private_key_file = flags.tls_private_key_file;
  options.limits = flags.limits;
  options.limits.session_idle_timeout = std::chrono::milliseconds(
      std::max<long long>(1, std::llround(flags.session_idle_timeout_s * 1000)));
  if (options.limits.max_connections <= options.limits.max_sessions) {
    return InvalidArgumentError(
        "--http-max-connections must exceed --http-max-sessions, so that clients whose "
        "sessions are all in use can still connect");
  }
  options.limits.max_connections_per_client =
      std::min(options.limits.max_connections_per_client, options.limits.max_connections);
  const bool with_token = !flags.bearer_token_env.empty() || !flags.bearer_token_file.empty();
  if (with_token) {
    AURITE_ASSIGN_OR_RETURN(std::string digest, BearerTokenDigest(flags));
    options.bearer_token_digests.push_back(std::move(digest));
  } else if (!IsLoopback(flags.host)) {
    return InvalidArgumentError("serving on " + flags.host +
                                " (not loopback) needs a bearer token: add --bearer-token-env "
                                "or --bearer-token-file");
  }
  return options;
}

// Serves until SIGINT or SIGTERM.
Status ServeHttp(mcp::McpServer& server, const HttpFlags& flags) {
  AURITE_ASSIGN_OR_RETURN(mcp::HttpServerOptions options, HttpOptions(flags));
  // Blocked before any thread starts, so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  mcp::HttpServer http(server, options);
  AURITE_RETURN_IF_ERROR(http.Start());
  const bool tls = !options.tls_certificate_file.empty();
  const std::string host =
      flags.host.find(':') == std::string::npos ? flags.host : "[" + flags.host + "]";
  std::fprintf(stderr, "aurite sql-server: listening on %s://%s:%u/mcp\n", tls ? "https" : "http",
               host.c_str(), http.port());
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  http.Stop();
  return OkStatus();
}

// What an answer holds besides its rows (columns, the envelope), at most.
constexpr std::size_t kAnswerOverhead = 1024 * 1024;

// Applies --max-memory (see SqlServerFlags); false after printing why not.
bool ApplyMemoryCap(const SqlServerFlags& flags) {
  if (flags.max_memory && *flags.max_memory != 0 && *flags.max_memory < kMinMaxMemory) {
    std::cerr << "aurite sql-server: --max-memory " << *flags.max_memory << " is below the "
              << "minimum of " << kMinMaxMemory << " bytes (64 MiB) the server needs for its "
              << "threads and database client libraries; give at least " << kMinMaxMemory
              << ", or 0 for no cap\n";
    return false;
  }
  // Sanitizers reserve terabytes of shadow memory before main: any cap would
  // refuse every later allocation.
  if (!flags.max_memory && kSanitizerReservesMemory) return true;
  // An answer is held about four times over (rows, structured and escaped
  // text, the transport's copy) while it is written.
  std::size_t bytes = flags.max_memory.value_or(
      std::max(kDefaultMaxMemory, 4 * flags.max_message_bytes + (std::size_t{64} << 20)));
  if (bytes == 0) return true;
  Status capped = CapDataMemory(bytes);
  if (!capped.ok()) {
    std::cerr << "aurite sql-server: --max-memory: " << capped.message() << "\n";
    return false;
  }
  return true;
}

int RunSqlServer(const SqlServerFlags& flags) {
  // Before any thread starts, so that their stacks count too.
  if (!ApplyMemoryCap(flags)) return kExitUsage;
  // Handlers run on a pool of threads; glibc would give each its own malloc
  // arena (heaps that are mostly empty but resident). Two are enough here.
  ::mallopt(M_ARENA_MAX, 2);
  // A query's result is a few large buffers (rows, reply text). With glibc's
  // defaults each is mapped and unmapped, or trimmed, on every call, and
  // every call faults its pages in afresh (a quarter of the CPU time of a
  // 10,000-row query). Keep up to 8 MiB of freed memory for the next result.
  ::mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
  // Debian's libpq pulls in GnuTLS (through libldap), whose constructor
  // initializes it at load time: 0.65 MiB resident for nothing, since libpq
  // uses OpenSSL and libldap initializes GnuTLS itself before any LDAP TLS.
  // Set while we are still single-threaded, and only if the user did not.
  ::setenv("GNUTLS_NO_IMPLICIT_INIT", "1", /*overwrite=*/0);
  servers::sql::SqlServerOptions options;
  options.allow_writes = flags.allow_writes;
  options.allow_privileged_login = flags.allow_privileged_login;
  options.max_rows = flags.max_rows;
  options.max_result_bytes = flags.max_result_bytes;
  options.statement_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(flags.statement_timeout_s * 1000));
  options.max_connections = flags.max_connections;
  options.pool_size = flags.sessions_per_connection;
  options.idle_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(flags.idle_timeout_s * 1000));
  // The rows appear twice in an answer (structured, and escaped as text),
  // so the limits must leave room for both.
  if (flags.max_result_bytes > (flags.max_message_bytes - kAnswerOverhead) / 3) {
    std::cerr << "aurite sql-server: --max-result-bytes " << flags.max_result_bytes
              << " does not fit --max-message-bytes " << flags.max_message_bytes
              << ": an answer carries its rows twice, escaped once, so it needs up to 3 x "
                 "--max-result-bytes + 1 MiB; lower --max-result-bytes, or raise "
                 "--max-message-bytes (and the host's max_message_bytes for this server)\n";
    return kExitUsage;
  }
  servers::sql::SqlServer sql(options);
  mcp::ServerOptions server_options = servers::sql::SqlServer::ServerOptions();
  // An answer the client would drop unread becomes an error it can read.
  server_options.session.max_response_bytes = flags.max_message_bytes;
  mcp::McpServer server(std::move(server_options));
  sql.RegisterWith(server);
  // A query's reply can be megabytes: with a pipe of 1 MiB (the unprivileged
  // maximum) it is written in one go instead of 64 KiB per client wake-up.
  // Not a pipe, or a lower limit: the call fails and nothing changes.
  if (flags.http.port < 0) (void)::fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20);
  mcp::StdioServerOptions stdio;
  stdio.busy_poll = std::chrono::microseconds(flags.busy_poll_us);
  Status served =
      flags.http.port >= 0 ? ServeHttp(server, flags.http) : mcp::ServeStdio(server, stdio);
  if (!served.ok()) {
    std::cerr << "aurite sql-server: " << served.message() << "\n";
    return flags.http.port >= 0 && served.code() == StatusCode::kInvalidArgument ? kExitUsage : 1;
  }
  return kExitOk;
}

void AddLimitOptions(CLI::App& command, SqlServerFlags& flags) {
  command.add_flag(
      "--allow-writes", flags.allow_writes,
      "Let queries write (INSERT, UPDATE, DDL); without it the database refuses writes");
  command.add_flag("--allow-privileged-login", flags.allow_privileged_login,
                   "Accept a read-only connection whose login holds privileges a read-only "
                   "transaction cannot contain (PostgreSQL superuser, MariaDB FILE, ...); every "
                   "result then says read-only is not enforced for them");
  command.add_option("--max-rows", flags.max_rows, "Most rows one query returns")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-result-bytes", flags.max_result_bytes,
                  "Most bytes of rows one query returns")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-message-bytes", flags.max_message_bytes,
                  "Most bytes of one answer, envelope included: the limit the client reads "
                  "(aurite serve passes its own)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{2 * 1024 * 1024}, std::size_t{1} << 30));
  command
      .add_option("--statement-timeout", flags.statement_timeout_s,
                  "Seconds before the database cancels a statement")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--busy-poll-us", flags.busy_poll_us,
                  "Microseconds a read of stdin polls before it sleeps: a client's next call "
                  "often comes within that, and waking a sleeping thread costs more (0: off; "
                  "aurite serve passes its gateway.busy_poll_us)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10'000));
  command.add_option("--max-connections", flags.max_connections, "Most open connection ids")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--sessions-per-connection", flags.sessions_per_connection,
                  "Most database sessions one connection id keeps open; a call that finds "
                  "them all busy waits for one")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command
      .add_option("--idle-timeout", flags.idle_timeout_s,
                  "Seconds before an idle database session is closed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-memory", flags.max_memory,
                  "Most bytes of memory the server may allocate (RLIMIT_DATA: heap, thread "
                  "stacks); a call that needs more fails with an error and the server goes on. "
                  "Default 1073741824 (1 GiB), more if --max-message-bytes needs it; at least "
                  "67108864 (64 MiB); 0: no cap")
      ->check(CLI::NonNegativeNumber);
}

// The availability limits of http_limits.h (docs/security.md).
void AddHttpLimitOptions(CLI::App& command, HttpFlags& flags, CLI::Option* http) {
  const char* group = "Streamable HTTP limits";
  const auto count = [&](const char* name, std::size_t& value, const char* help, std::size_t min,
                         std::size_t max) {
    command.add_option(name, value, help)
        ->capture_default_str()
        ->check(CLI::Range(min, max))
        ->needs(http)
        ->group(group);
  };
  count("--http-max-connections", flags.limits.max_connections,
        "Most open HTTP connections (more get 503); must exceed --http-max-sessions", 2, 100000);
  count("--http-max-sessions", flags.limits.max_sessions,
        "Most MCP sessions; a new one ends the least recently used idle one, and gets 503 "
        "only when all are in use",
        1, 100000);
  count("--http-max-in-flight", flags.limits.max_in_flight_per_session,
        "Most requests in progress in one session; more get 429 with a JSON-RPC error", 1, 100000);
  count("--http-max-header-bytes", flags.limits.max_header_bytes,
        "Most bytes of a request head; more get 431", 1024, 1024 * 1024);
  count("--http-max-body-bytes", flags.limits.max_body_bytes,
        "Most bytes of a request body; more get 413", 1024, std::size_t{1} << 30);
  command
      .add_option("--http-session-idle-timeout", flags.session_idle_timeout_s,
                  "Seconds before a session no request uses ends")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->needs(http)
      ->group(group);
}

void AddHttpOptions(CLI::App& command, HttpFlags& flags) {
  const char* group = "Streamable HTTP (instead of stdio)";
  CLI::Option* http =
      command
          .add_option("--http", flags.port,
                      "Serve MCP Streamable HTTP at http://HOST:PORT/mcp instead of stdio "
                      "(0: any free port, printed on stderr); stops on SIGINT/SIGTERM")
          ->check(CLI::Range(0, 65535))
          ->group(group);
  command
      .add_option("--host", flags.host,
                  "Address to listen on; other than loopback needs a "
                  "bearer token")
      ->capture_default_str()
      ->needs(http)
      ->group(group);
  command
      .add_option("--allowed-host", flags.allowed_hosts,
                  "Host header value to accept besides 127.0.0.1, localhost and [::1] "
                  "(repeatable; e.g. the name clients use when --host is not loopback)")
      ->needs(http)
      ->group(group);
  command
      .add_option("--allowed-origin", flags.allowed_origins,
                  "Browser Origin to accept, e.g. http://localhost:6274 (repeatable); without "
                  "any, only loopback origins are; requests from other origins get 403")
      ->needs(http)
      ->group(group);
  CLI::Option* token_env =
      command
          .add_option("--bearer-token-env", flags.bearer_token_env,
                      "Require \"Authorization: Bearer TOKEN\", TOKEN read from this "
                      "environment variable (then removed from the environment)")
          ->needs(http)
          ->group(group);
  command
      .add_option("--bearer-token-file", flags.bearer_token_file,
                  "Like --bearer-token-env, TOKEN read from this file (one line)")
      ->excludes(token_env)
      ->needs(http)
      ->group(group);
  CLI::Option* cert =
      command.add_option("--tls-cert", flags.tls_certificate_file, "PEM certificate: serve HTTPS")
          ->check(CLI::ExistingFile)
          ->needs(http)
          ->group(group);
  CLI::Option* key =
      command.add_option("--tls-key", flags.tls_private_key_file, "PEM private key of --tls-cert")
          ->check(CLI::ExistingFile)
          ->needs(cert)
          ->group(group);
  cert->needs(key);
  AddHttpLimitOptions(command, flags, http);
}

}  // namespace

void RegisterSqlServerCommand(CLI::App& app, CommandResult& result) {
  auto flags = std::make_shared<SqlServerFlags>();
  CLI::App* command = app.add_subcommand(
      "sql-server",
      "Serve SQLite, PostgreSQL and MariaDB/MySQL databases as an MCP server (stdio or HTTP)");
  AddLimitOptions(*command, *flags);
  AddHttpOptions(*command, flags->http);
  command->footer(
      "Tools: connect_database, list_tables, describe_table, execute_query, explain_query, "
      "disconnect.\n\nClaude Desktop configuration:\n"
      "  {\"mcpServers\": {\"sql\": {\"command\": \"aurite\", \"args\": [\"sql-server\"]}}}\n"
      "Then ask the model to connect to e.g. sqlite:////home/me/data.db. Under `aurite serve`, "
      "connection strings are replaced by access tokens before they reach this server.\n\n"
      "Over HTTP, with a token (clients send it as \"Authorization: Bearer ...\"):\n"
      "  export AURITE_SQL_TOKEN=$(openssl rand -hex 32)\n"
      "  aurite sql-server --http 8808 --bearer-token-env AURITE_SQL_TOKEN");
  command->callback([flags, &result] { result.exit_status = RunSqlServer(*flags); });
}

}  // namespace aurite::cli
