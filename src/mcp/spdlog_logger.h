// The spdlog logger behind the mcp layer's log (mcp/log.h), for code that must
// reach spdlog itself: to add a sink or change the level, as tests do.
// Including this costs spdlog's headers (seconds per file); code that only
// logs includes mcp/log.h instead.
#pragma once

#include <spdlog/logger.h>

namespace aurite::mcp {

// The "mcp" logger: the one registered under that name before first use, else
// a stderr logger at level warn, created once and kept for the process.
spdlog::logger& Logger();

}  // namespace aurite::mcp
