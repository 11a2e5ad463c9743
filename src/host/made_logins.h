// What the host's makers of database logins (LeaseManager, PasswordRotator)
// share: the configured connections of one credentials mode, Unix-seconds
// conversions for the store's records, and the retry schedule of a database
// change that failed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "host/config.h"

namespace aurite::host {

// The connections whose credentials block has mode `Mode` (e.g.
// credentials::DynamicCredentials), with that block; pointers into
// `connections`.
template <typename Mode>
std::vector<std::pair<const ConnectionConfig*, const Mode*>> ConnectionsOfMode(
    const std::vector<ConnectionConfig>& connections) {
  std::vector<std::pair<const ConnectionConfig*, const Mode*>> found;
  for (const ConnectionConfig& connection : connections) {
    if (!connection.credentials) continue;
    if (const Mode* mode = std::get_if<Mode>(&*connection.credentials)) {
      found.emplace_back(&connection, mode);
    }
  }
  return found;
}

inline std::int64_t ToUnixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}
inline std::chrono::system_clock::time_point FromUnixSeconds(std::int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// How long to wait after `failures` failed tries (at least 1): 1 s,
// doubling, at most 5 minutes.
inline std::chrono::seconds RetryDelay(std::uint32_t failures) {
  const std::uint32_t doublings = std::min<std::uint32_t>(failures == 0 ? 0 : failures - 1, 9);
  return std::min(std::chrono::seconds(300), std::chrono::seconds(1LL << doublings));
}

}  // namespace aurite::host
