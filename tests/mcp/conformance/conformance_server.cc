// aurite-conformance-server: the conformance fixture as a program, for the
// official suites and interop tests. Test-only; not installed.
//
//   aurite-conformance-server                 serve over stdio
//   aurite-conformance-server --http PORT     serve http://127.0.0.1:PORT/mcp until SIGINT/SIGTERM
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fixture.h"
#include "mcp/transport/http_server.h"
#include "mcp/transport/stdio_server.h"

namespace {

int Fail(const aurite::Status& status) {
  std::fprintf(stderr, "aurite-conformance-server: %s\n", status.ToString().c_str());
  return 1;
}

int ServeHttp(aurite::mcp::McpServer& server, int port) {
  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  aurite::mcp::HttpServerOptions options;
  options.port = static_cast<std::uint16_t>(port);
  aurite::mcp::HttpServer http(server, options);
  if (aurite::Status status = http.Start(); !status.ok()) return Fail(status);
  std::fprintf(stderr, "aurite-conformance-server: listening on http://127.0.0.1:%u/mcp\n",
               http.port());
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  http.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto server = aurite::mcp::conformance::MakeFixtureServer();
  if (argc == 3 && std::strcmp(argv[1], "--http") == 0)
    return ServeHttp(*server, std::atoi(argv[2]));
  if (argc != 1) {
    std::fprintf(stderr, "usage: aurite-conformance-server [--http PORT]\n");
    return 2;
  }
  aurite::Status status = aurite::mcp::ServeStdio(*server);
  return status.ok() ? 0 : Fail(status);
}
