// RunCommand: stdin and stderr go through temporary files, stdout through a pipe.
#include "support/command_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace aurite::testing {
namespace {

std::filesystem::path TempPath(const char* role) {
  static int counter = 0;
  return std::filesystem::temp_directory_path() /
         ("aurite-cmd-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "." + role);
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

CommandOutput RunCommand(const std::string& command_line, const std::string& input) {
  std::filesystem::path in_path = TempPath("in");
  std::filesystem::path err_path = TempPath("err");
  std::ofstream(in_path, std::ios::binary) << input;
  std::string full =
      "(" + command_line + ") <" + ShellQuote(in_path) + " 2>" + ShellQuote(err_path);

  CommandOutput output;
  std::FILE* pipe = popen(full.c_str(), "r");
  if (pipe != nullptr) {
    char chunk[4096];
    std::size_t n = 0;
    while ((n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) output.out.append(chunk, n);
    int status = pclose(pipe);
    output.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  output.err = ReadAll(err_path);
  std::filesystem::remove(in_path);
  std::filesystem::remove(err_path);
  return output;
}

}  // namespace aurite::testing
