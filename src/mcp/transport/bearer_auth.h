// Bearer-token checks for the HTTP transport. Tokens are configured and kept
// only as SHA-256 digests, so a leaked configuration does not leak tokens.
//
// Contract: TokenDigestHex returns 64 lower-case hex digits. BearerTokenAccepted
// compares the digest of `token` against every configured digest in constant
// time (no early exit on the first match), and ignores malformed digests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aurite::mcp {

std::string TokenDigestHex(std::string_view token);

bool BearerTokenAccepted(std::string_view token, const std::vector<std::string>& digests_hex);

}  // namespace aurite::mcp
