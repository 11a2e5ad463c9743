// The spdlog logger behind the process's log (runtime/log.h), for code that must
// reach spdlog itself: to add a sink or change the level, as tests do.
// Including this costs spdlog's headers (seconds per file); code that only
// logs includes runtime/log.h instead.
#pragma once

#include <spdlog/logger.h>

namespace aurite::runtime {

// The "mcp" logger: the one registered under that name before first use, else
// a stderr logger at level warn, created once and kept for the process.
spdlog::logger& Logger();

}  // namespace aurite::runtime
