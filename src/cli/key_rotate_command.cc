// `aurite key rotate`: re-encrypt the credential store under the current key.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/security_context.h"
#include "security/store_keys.h"

namespace aurite::cli {
namespace {

int Rotate(const StoreFlags& flags) {
  std::optional<crypto::FernetKey> current_key;
  auto manager = OpenSecurityManager(flags, &current_key);
  if (!manager.ok()) return ReportError(manager.status());
  std::size_t count = (*manager)->List().size();
  Status status = (*manager)->RotateKey(std::move(*current_key));
  if (!status.ok()) return ReportError(status);
  std::cout << "re-encrypted " << count << " credential" << (count == 1 ? "" : "s")
            << " under the current key; " << security::kPreviousKeysVariable
            << " is no longer needed for this store\n";
  return kExitOk;
}

}  // namespace

void RegisterKeyRotateCommand(CLI::App& key, CommandResult& result) {
  auto flags = std::make_shared<StoreFlags>();
  CLI::App* rotate = key.add_subcommand(
      "rotate",
      "Re-encrypt every stored secret under AURITE_MCP_ENCRYPTION_KEY, in one transaction");
  AddStoreFlags(*rotate, *flags);
  rotate->footer(
      "Set AURITE_MCP_ENCRYPTION_KEY to the new key and AURITE_MCP_PREVIOUS_KEYS to the old one "
      "(comma-separated if several). Tokens keep working. If the rotation is interrupted the "
      "store stays readable with the keys it had.\nExample:\n"
      "  AURITE_MCP_PREVIOUS_KEYS=\"$OLD\" AURITE_MCP_ENCRYPTION_KEY=\"$NEW\" aurite key rotate");
  rotate->callback([flags, &result] { result.exit_status = Rotate(*flags); });
}

}  // namespace aurite::cli
