// HttpLimits: how many connections and sessions the Streamable HTTP server
// keeps, and how long it waits for clients. The defaults are what the
// gateway (`gateway.http` in aurite.json) and `aurite sql-server --http` use.
//
// The rules they implement (docs/security.md, "HTTP availability"):
//  - a connection must deliver a complete request head within
//    header_timeout of its opening (or, on a kept-alive connection, of the
//    head's first byte); trickled bytes do not extend it;
//  - every other read or write, and the wait for the next request on a
//    kept-alive connection, may take io_timeout;
//  - at most max_connections connections, of which at most
//    max_connections_per_client from one client address; there are more
//    connections than sessions, so clients with live sessions can always
//    reach them;
//  - at most max_sessions sessions: a new one ends the least recently used
//    idle session first, and is refused (503) only when every one is in use;
//  - a session no request has used for session_idle_timeout ends;
//  - a request head over max_header_bytes gets 431, a body over
//    max_body_bytes 413 (both close the connection);
//  - a session has at most max_in_flight_per_session requests in progress;
//    a POST that would exceed it gets 429 with a JSON-RPC error and
//    Retry-After, and the session's other requests carry on.
// Each bounds memory: per connection a head and a body, per session its
// requests in progress, in all connections times that.
#pragma once

#include <chrono>
#include <cstddef>

namespace aurite::mcp {

struct HttpLimits {
  std::size_t max_connections = 512;
  std::size_t max_connections_per_client = 256;
  std::size_t max_sessions = 256;
  std::chrono::milliseconds header_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds io_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds session_idle_timeout = std::chrono::minutes(30);
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_in_flight_per_session = 64;
};

}  // namespace aurite::mcp
