// Cases go to the Python script as JSON on stdin; tokens come back as JSON.
#include "support/botocore_rds_tokens.h"

#include <nlohmann/json.hpp>

#include "support/botocore_script.h"

namespace aurite::testing {

BotocoreTokens BotocoreRdsTokens(const std::vector<RdsTokenCase>& cases) {
  nlohmann::json input = nlohmann::json::array();
  for (const RdsTokenCase& c : cases) {
    input.push_back({{"hostname", c.hostname},
                     {"port", c.port},
                     {"username", c.username},
                     {"region", c.region},
                     {"time", c.time},
                     {"access_key_id", c.access_key_id},
                     {"secret_access_key", c.secret_access_key},
                     {"session_token", c.session_token ? nlohmann::json(*c.session_token)
                                                       : nlohmann::json(nullptr)}});
  }
  BotocoreAnswers run = RunBotocoreScript("botocore_rds_tokens.py", input.dump(), cases.size());
  return {std::move(run.answers), std::move(run.error)};
}

}  // namespace aurite::testing
