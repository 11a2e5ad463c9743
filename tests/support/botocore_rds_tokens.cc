// Cases go to the Python script as JSON on stdin; tokens come back as JSON.
#include "support/botocore_rds_tokens.h"

#include <nlohmann/json.hpp>

#include "support/command_runner.h"

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
  CommandOutput run = RunCommand(
      "/usr/bin/python3 " + ShellQuote(AURITE_SUPPORT_DIR "/botocore_rds_tokens.py"), input.dump());
  BotocoreTokens result;
  if (run.exit_status != 0) {
    result.error =
        "botocore_rds_tokens.py exited with " + std::to_string(run.exit_status) + ": " + run.err;
    return result;
  }
  nlohmann::json output = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (!output.is_array() || output.size() != cases.size()) {
    result.error = "botocore_rds_tokens.py printed no list of " + std::to_string(cases.size()) +
                   " tokens: " + run.out;
    return result;
  }
  for (const auto& token : output) result.tokens.push_back(token.get<std::string>());
  return result;
}

}  // namespace aurite::testing
