// Runs one of the botocore reference scripts beside this file with the
// system's /usr/bin/python3 (Debian's python3-botocore): a JSON list of cases
// on stdin, a JSON list of as many strings on stdout.
#pragma once

#include <string>
#include <vector>

namespace aurite::testing {

struct BotocoreAnswers {
  std::vector<std::string> answers;  // one per case, in order
  std::string error;                 // why there are none, when the script failed
};

// Runs `script` (a file name in tests/support) with `cases_json`, a JSON
// list of `count` cases; the secrets in it go through stdin, never argv.
BotocoreAnswers RunBotocoreScript(const std::string& script, const std::string& cases_json,
                                  std::size_t count);

}  // namespace aurite::testing
