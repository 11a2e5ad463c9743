// botocore's SigV4 Authorization header, the reference for
// crypto::SignRequestHeaders: runs botocore_sigv4_headers.py (beside this
// file) with Debian's python3-botocore.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aurite::testing {

struct SignedRequestCase {
  std::string method;
  std::string url;  // scheme, host, port and path; botocore takes the Host header from it
  std::vector<std::pair<std::string, std::string>> query;    // before encoding
  std::vector<std::pair<std::string, std::string>> headers;  // besides host and x-amz-*
  std::string body;
  std::string region;
  std::string service;
  std::int64_t time = 0;  // Unix seconds
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
};

struct BotocoreAuthorizations {
  std::vector<std::string> authorizations;  // one Authorization header per case, in order
  std::string error;                        // why there are none, when botocore could not run
};

// The Authorization headers botocore's SigV4Auth puts on `cases`, its clock
// frozen at each case's time; the secrets go through stdin.
BotocoreAuthorizations BotocoreAuthorizationHeaders(const std::vector<SignedRequestCase>& cases);

}  // namespace aurite::testing
