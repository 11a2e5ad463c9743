// BackendLink: the live connection from the host to one backend server,
// either a child process on stdio or a remote server over Streamable HTTP.
//
// Contract:
//  - OpenStdioLink() spawns `server.command` with BuildServerEnvironment()
//    (and, for `aurite sql-server`, --max-message-bytes with the limit the
//    host reads, --busy-poll-us 0 (the host's readers poll instead), and
//    --allow-writes with allow_writes); replies over the
//    server's max_message_bytes fail their calls at once.
//    `on_exit` runs once when the child's stdout closes; `on_stalled` runs
//    once, on the link's writer thread, when the child left its full stdin
//    pipe unread for the write deadline (StdioClientOptions::write_deadline).
//  - OpenHttpLink() connects to `server.url`. Of `headers` only
//    Authorization: Bearer … can be sent (the mcp layer's HTTP client sends
//    no other header); any other header is refused with an error naming it.
//    A backend with the "storage" capability receives resolved secrets, so
//    its URL must be https:// or a loopback address.
//  - Neither initializes the client: the caller installs its handlers first.
//  - Errors name the server, never a header value.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "host/config.h"
#include "mcp/client/client.h"

namespace aurite::host {

class BackendLink {
 public:
  virtual ~BackendLink() = default;
  virtual mcp::McpClient& client() = 0;
  // The stdio child went away (an HTTP link never reports this: its calls fail instead).
  virtual bool exited() const = 0;
  // The stdio child left its full stdin pipe unread for the write deadline,
  // so the link is closed for writing (StdioClient::stalled); never for HTTP.
  virtual bool stalled() const = 0;
  virtual std::optional<pid_t> pid() const = 0;
  // Ends the connection (for a child: stdin closed, SIGTERM, SIGKILL) and
  // returns the child's wait status, 0 for HTTP.
  virtual int Shutdown() = 0;
};

// The parts of an http(s) URL the HTTP client needs.
struct HttpTarget {
  bool tls = false;
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // with the query, if any
};

// Splits `url`; an error says what is wrong with it (it never holds secrets
// in our configs, but is not echoed either).
StatusOr<HttpTarget> ParseHttpUrl(const std::string& url);

StatusOr<std::unique_ptr<BackendLink>> OpenStdioLink(const ServerConfig& server,
                                                     std::function<void()> on_exit,
                                                     std::function<void()> on_stalled);
StatusOr<std::unique_ptr<BackendLink>> OpenHttpLink(const ServerConfig& server);

}  // namespace aurite::host
