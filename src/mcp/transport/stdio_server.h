// Serving an McpServer over stdio: newline-delimited JSON-RPC on stdin and
// stdout, the transport MCP clients use to launch local servers.
//
// Contract:
//  - Only protocol messages reach the real stdout. With claim_stdout, the
//    process's fd 1 is pointed at stderr for the duration, so a stray print
//    from any library lands in the log instead of corrupting the stream.
//  - Each line is one message; blank lines are skipped; a line over the
//    message size limit is answered with a parse error and skipped.
//  - Returns when stdin reaches EOF, after running handlers have finished
//    and sent their replies, or when stdout is closed by the peer.
//  - A client that reads none of our output for `write_stall` (stopped,
//    hung, or reading only its own input) ends the session: no write waits
//    longer, later replies are dropped, reading stops once the input
//    already sent is used up, and ServeStdio returns kDeadlineExceeded. A
//    slow reader that keeps taking bytes is never cut off.
#pragma once

#include <chrono>
#include <memory>

#include "base/status.h"
#include "mcp/server/auth_info.h"
#include "mcp/server/server.h"

namespace aurite::mcp {

// How long the client may leave our output unread before its session ends:
// long enough for a client busy with a large result or briefly paused.
inline constexpr std::chrono::seconds kDefaultClientWriteStall{30};

struct StdioServerOptions {
  int in_fd = 0;
  int out_fd = 1;
  bool claim_stdout = true;  // only meaningful when out_fd is 1
  // How long a read polls before it sleeps (LineReader); zero: never.
  std::chrono::microseconds busy_poll{0};
  // How long a write may wait for a client that reads nothing; zero: for
  // ever (writes block, as on a plain file).
  std::chrono::milliseconds write_stall{kDefaultClientWriteStall};
};

// The local operating-system user as a principal (AuthInfo kLocalUser):
// the name of the effective user id, or "uid:<n>" when it has none. The
// owner of every stdio session: the client that started us runs as it.
std::shared_ptr<const AuthInfo> LocalUserAuth();

Status ServeStdio(McpServer& server, const StdioServerOptions& options = {});

}  // namespace aurite::mcp
