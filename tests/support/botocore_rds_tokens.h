// botocore's RDS IAM tokens, the reference for ours: runs
// botocore_rds_tokens.py (beside this file) with the system's /usr/bin/python3
// and Debian's python3-botocore.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aurite::testing {

struct RdsTokenCase {
  std::string hostname;
  int port = 0;
  std::string username;
  std::string region;
  std::int64_t time = 0;  // Unix seconds
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
};

struct BotocoreTokens {
  std::vector<std::string> tokens;  // one per case, in order
  std::string error;                // why there are none, when botocore could not run
};

// The tokens botocore makes for `cases`; the secrets go through stdin.
BotocoreTokens BotocoreRdsTokens(const std::vector<RdsTokenCase>& cases);

}  // namespace aurite::testing
