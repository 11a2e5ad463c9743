// Test support: `aurite sql-server --http <port>` as a child process, with
// the port it printed on stderr. Shared by the SQL server's HTTP tests and
// the gateway's HTTP-backend tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/child_process.h"

namespace aurite::servers::sql {

struct HttpSqlServerProcess {
  std::unique_ptr<runtime::ChildProcess> child;  // null when it could not start
  std::uint16_t port = 0;                        // 0 when it never said it listens
  std::string log;                               // its stderr up to the listening line
};

// Starts the server with `flags` after `--http <port>` (0: any free port) and
// `environment` plus a minimal PATH; fails the test when it cannot spawn.
HttpSqlServerProcess StartHttpSqlServer(std::vector<std::string> flags,
                                        std::vector<std::string> environment,
                                        std::uint16_t port = 0);

}  // namespace aurite::servers::sql
