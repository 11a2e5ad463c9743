// `aurite secret set SERVICE/ACCOUNT`: puts a secret into the desktop
// keyring, where a `${keyring:SERVICE/ACCOUNT}` reference reads it, so it
// sits in no file.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/security_context.h"
#include "secrets/keyring.h"

namespace aurite::cli {
namespace {

struct SecretSetFlags {
  std::string item;
  std::string label;
};

int SetSecret(const SecretSetFlags& flags) {
  StatusOr<secrets::KeyringItem> item = secrets::ParseKeyringItem(flags.item);
  if (!item.ok()) return ReportError(item.status());
  StatusOr<crypto::SecretBuffer> secret =
      ReadSecretFromStdin("Secret for " + flags.item + " (not echoed): ");
  if (!secret.ok()) return ReportError(secret.status());
  if (secret->empty()) return ReportError(InvalidArgumentError("the secret is empty"));
  const std::string label = flags.label.empty() ? "aurite: " + flags.item : flags.label;
  if (Status stored = secrets::StoreKeyringSecret(*item, *secret, label); !stored.ok()) {
    return ReportError(stored);
  }
  std::printf("stored %s in the keyring; use it as ${keyring:%s}\n", flags.item.c_str(),
              flags.item.c_str());
  return kExitOk;
}

}  // namespace

void RegisterSecretCommand(CLI::App& app, CommandResult& result) {
  CLI::App* secret = app.add_subcommand("secret", "Keep secrets in the desktop keyring");
  secret->require_subcommand(1);
  auto flags = std::make_shared<SecretSetFlags>();
  CLI::App* set = secret->add_subcommand(
      "set", "Store a secret in the keyring (Secret Service: GNOME Keyring, KWallet, KeePassXC)");
  set->add_option("item", flags->item, "SERVICE/ACCOUNT, e.g. aurite/orders-db")->required();
  set->add_option("--label", flags->label, "The label the keyring shows (default: aurite: ITEM)");
  set->footer(
      "The secret is read from a no-echo prompt, or from stdin when it is not a terminal; it is "
      "never an argument. An existing item is replaced. Reference it in aurite.json as "
      "${keyring:SERVICE/ACCOUNT}.\n"
      "Example:\n"
      "  aurite secret set aurite/orders-db\n"
      "  \"connection_string\": \"postgresql://app:${keyring:aurite/orders-db}@db/orders\"");
  set->callback([flags, &result] { result.exit_status = SetSecret(*flags); });
}

}  // namespace aurite::cli
