// Version rules in one place, so the server, client and transports agree.
#include "mcp/core/protocol_version.h"

#include <algorithm>

namespace aurite::mcp {

bool IsSupportedProtocolVersion(std::string_view version) {
  return std::find(kSupportedProtocolVersions.begin(), kSupportedProtocolVersions.end(), version) !=
         kSupportedProtocolVersions.end();
}

std::string NegotiateProtocolVersion(std::string_view requested) {
  return std::string(IsSupportedProtocolVersion(requested) ? requested : kLatestProtocolVersion);
}

bool AllowsBatches(std::string_view version) { return version <= "2025-03-26"; }

}  // namespace aurite::mcp
