// The JSON exchange with a botocore reference script.
#include "support/botocore_script.h"

#include <nlohmann/json.hpp>

#include "support/command_runner.h"

namespace aurite::testing {

BotocoreAnswers RunBotocoreScript(const std::string& script, const std::string& cases_json,
                                  std::size_t count) {
  CommandOutput run =
      RunCommand("/usr/bin/python3 " + ShellQuote(AURITE_SUPPORT_DIR "/" + script), cases_json);
  BotocoreAnswers result;
  if (run.exit_status != 0) {
    result.error = script + " exited with " + std::to_string(run.exit_status) + ": " + run.err;
    return result;
  }
  nlohmann::json output = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (!output.is_array() || output.size() != count) {
    result.error = script + " printed no list of " + std::to_string(count) + " answers: " + run.out;
    return result;
  }
  for (const auto& answer : output) result.answers.push_back(answer.get<std::string>());
  return result;
}

}  // namespace aurite::testing
