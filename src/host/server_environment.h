// The environment a backend server is started with.
//
// Contract: the result is exactly the server's own configured `env` plus a
// minimal base that lets ordinary programs run: PATH (kBasePath) and
// LANG=C.UTF-8, each only when the server's `env` does not set it. Nothing
// is taken from the host's environment, so secrets there (the store key,
// database passwords read by ${env:…} references) never reach a server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/config.h"

namespace aurite::host {

inline constexpr std::string_view kBasePath = "/usr/local/bin:/usr/bin:/bin";

// "NAME=value" entries for ChildProcess. The caller wipes them after spawning.
std::vector<std::string> BuildServerEnvironment(const ServerConfig& server);

}  // namespace aurite::host
