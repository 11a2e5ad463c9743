// AuthInfo: who a session's peer is, as its transport established it (the
// verified claims of an OAuth access token, the name of a configured bearer
// token, or the local operating-system user over stdio). The application
// decides what that principal may do (the gateway's policies); the
// transport only proves who it is.
//
// Contract: an AuthInfo holds no credential. `claims` are the token's
// verified claims, never the token itself, so it may be logged by field
// (principal, client_id) and kept for the session's life.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aurite::mcp {

struct AuthInfo {
  enum class Kind { kLocalUser, kBearerToken, kOAuth };
  Kind kind = Kind::kLocalUser;
  // A stable name for audit records and policy matching: the token's "sub"
  // (OAuth), the configured token's name (bearer) or the user name (local).
  std::string principal;
  std::string client_id;            // OAuth "client_id" or "azp"; "" otherwise
  std::vector<std::string> scopes;  // what the token grants; empty otherwise
  std::string email;                // OAuth "email"; "" otherwise
  // The principal's groups: the configured claim of an OAuth token
  // (gateway.auth.groups_claim), or those configured for a bearer token.
  std::vector<std::string> groups;
  nlohmann::json claims = nlohmann::json::object();  // verified; {} unless OAuth
  // When the token stops being valid; the epoch when it does not expire.
  std::chrono::system_clock::time_point expires_at{};
};

}  // namespace aurite::mcp
