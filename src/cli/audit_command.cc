// `aurite audit verify`: check an audit log's hash chain.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "security/audit_log.h"

namespace aurite::cli {
namespace {

int Verify(const std::string& path) {
  StatusOr<security::AuditVerification> result = security::VerifyAuditLog(path);
  if (!result.ok()) {
    std::cerr << "aurite: error: " << result.status().message() << "\n";
    return kExitUsage;
  }
  if (!result->intact) {
    std::cout << path << ":" << result->first_bad_line << ": " << result->problem << "\n";
    return kExitFindings;
  }
  std::cout << path << ": intact, " << result->lines << " records\n";
  return kExitOk;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app, CommandResult& result) {
  CLI::App* audit = app.add_subcommand("audit", "Work with the security audit log");
  audit->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check that no record of an audit log was changed, removed or reordered");
  verify->add_option("file", *path, "The audit log (JSON Lines)")->required();
  verify->footer(
      "Exits 0 when the chain is intact, 1 with the first bad line when it is not.\n"
      "Example:\n  aurite audit verify ~/.local/state/aurite/audit.jsonl");
  verify->callback([path, &result] { result.exit_status = Verify(*path); });
}

}  // namespace aurite::cli
