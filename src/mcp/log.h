// The mcp layer's logger. It writes to stderr only: on a stdio transport,
// stdout belongs to the protocol. An embedding program may register its own
// spdlog logger named "mcp" before first use (e.g. one that redacts).
#pragma once

#include <spdlog/spdlog.h>

namespace aurite::mcp {

spdlog::logger& Logger();

}  // namespace aurite::mcp
