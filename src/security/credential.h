// What the security layer knows about a secured credential, apart from the
// secret itself and the token (of which only the digest is kept).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "security/access_token.h"

namespace aurite::security {

inline constexpr std::string_view kDatabaseConnection = "database_connection";

struct CredentialInfo {
  std::string id;    // random, never derived from the secret
  std::string type;  // e.g. "database_connection"
  TokenDigest token_digest{};
  std::string masked;                      // the secret with its secret parts masked
  std::int64_t created_at = 0;             // Unix seconds
  std::optional<std::int64_t> expires_at;  // Unix seconds; none = no expiry
  std::optional<std::uint32_t> max_uses;   // none = unlimited
  std::uint32_t uses = 0;                  // successful resolves so far
  std::vector<std::string> bound_servers;  // empty = any permitted server
  std::map<std::string, std::string> metadata;
};

}  // namespace aurite::security
