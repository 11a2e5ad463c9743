// Cases go to the Python script as JSON on stdin; headers come back as JSON.
#include "support/botocore_sigv4.h"

#include <nlohmann/json.hpp>

#include "support/botocore_script.h"

namespace aurite::testing {

BotocoreAuthorizations BotocoreAuthorizationHeaders(const std::vector<SignedRequestCase>& cases) {
  nlohmann::json input = nlohmann::json::array();
  for (const SignedRequestCase& c : cases) {
    input.push_back({{"method", c.method},
                     {"url", c.url},
                     {"query", c.query},
                     {"headers", c.headers},
                     {"body", c.body},
                     {"region", c.region},
                     {"service", c.service},
                     {"time", c.time},
                     {"access_key_id", c.access_key_id},
                     {"secret_access_key", c.secret_access_key},
                     {"session_token", c.session_token ? nlohmann::json(*c.session_token)
                                                       : nlohmann::json(nullptr)}});
  }
  BotocoreAnswers run = RunBotocoreScript("botocore_sigv4_headers.py", input.dump(), cases.size());
  return {std::move(run.answers), std::move(run.error)};
}

}  // namespace aurite::testing
