// `aurite scan`: report secrets found in files or stdin, by rule id and position.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <memory>

#include "base/status.h"
#include "base/unique_fd.h"
#include "cli/command.h"
#include "crypto/secret_reader.h"
#include "security/detection.h"

namespace aurite::cli {
namespace {

struct ScanFlags {
  std::vector<std::string> files;
};

// File contents may hold secrets, so they live in a SecretBuffer.
StatusOr<crypto::SecretBuffer> ReadWhole(const std::string& path) {
  UniqueFd owned;
  int fd = STDIN_FILENO;
  if (path != "-") {
    owned = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!owned.valid()) {
      return NotFoundError("cannot open '" + path + "': " + std::strerror(errno));
    }
    fd = owned.get();
  }
  StatusOr<crypto::SecretBuffer> contents = crypto::ReadSecret(fd);
  if (!contents.ok()) {
    return UnavailableError("cannot read '" + path + "': " + contents.status().message());
  }
  return contents;
}

// 1-based line and column of byte `offset`.
std::pair<std::size_t, std::size_t> LineAndColumn(std::string_view text, std::size_t offset) {
  std::string_view before = text.substr(0, offset);
  std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  std::size_t last_newline = before.rfind('\n');
  std::size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return {line, column};
}

// Prints one line per finding; returns how many there were.
std::size_t ReportFindings(const std::string& name, std::string_view text) {
  std::vector<security::Finding> findings = security::SharedDetector().Detect(text);
  for (const security::Finding& finding : findings) {
    auto [line, column] = LineAndColumn(text, finding.span.begin);
    std::cout << name << ":" << line << ":" << column << ": " << finding.rule_id << " (bytes "
              << finding.span.begin << "-" << finding.span.end << ")\n";
  }
  return findings.size();
}

int Scan(const ScanFlags& flags) {
  std::vector<std::string> files =
      flags.files.empty() ? std::vector<std::string>{"-"} : flags.files;
  std::size_t total = 0;
  bool unreadable = false;
  for (const std::string& file : files) {
    StatusOr<crypto::SecretBuffer> contents = ReadWhole(file);
    if (!contents.ok()) {
      std::cerr << "aurite: error: " << contents.status().message() << "\n";
      unreadable = true;
      continue;
    }
    total += ReportFindings(file == "-" ? "<stdin>" : file, contents->Reveal());
  }
  if (unreadable) return kExitUsage;
  return total > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void RegisterScanCommand(CLI::App& app, CommandResult& result) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* scan = app.add_subcommand(
      "scan", "Find secrets (passwords, API keys, tokens, private keys) in files or stdin");
  scan->add_option("files", flags->files, "Files to scan; none or '-' reads stdin");
  std::string footer =
      "Prints FILE:LINE:COLUMN: RULE (bytes BEGIN-END) per finding, never the secret itself.\n"
      "Exits 0 when nothing is found, 1 when something is, 2 when a file cannot be read.\n"
      "Rules:\n";
  for (const security::DetectionRule& rule : security::DetectionRules()) {
    footer += "  " + std::string(rule.id) + ": " + std::string(rule.description) + "\n";
  }
  footer += "Examples:\n  aurite scan config/*.yaml\n  kubectl logs app | aurite scan";
  scan->footer(footer);
  scan->callback([flags, &result] { result.exit_status = Scan(*flags); });
}

}  // namespace aurite::cli
