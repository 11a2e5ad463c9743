// Runs a shell command line for tests and captures what it printed.
#pragma once

#include <string>

namespace aurite::testing {

struct CommandOutput {
  int exit_status = -1;  // the command's exit status, or -1 if it did not exit normally
  std::string out;
  std::string err;
};

// Runs `command_line` with /bin/sh, feeding `input` on stdin.
CommandOutput RunCommand(const std::string& command_line, const std::string& input = "");

// Quotes `text` for /bin/sh.
std::string ShellQuote(const std::string& text);

}  // namespace aurite::testing
