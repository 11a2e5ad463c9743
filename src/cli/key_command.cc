// `aurite key`: make a new Fernet key, and check the configured one.
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "crypto/fernet_key.h"
#include "crypto/key_loader.h"

namespace aurite::cli {
namespace {

void GenerateKey() {
  crypto::SecretBuffer text = crypto::FernetKey::Generate().ToText();
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string_view DescribeForm(crypto::KeyForm form) {
  switch (form) {
    case crypto::KeyForm::kFernetKey:
      return "a Fernet key, used as is";
    case crypto::KeyForm::kPassphrase:
      return "a passphrase; the key is derived with scrypt (N=2^17, r=8, p=1) over the store's "
             "salt";
    case crypto::KeyForm::kUnset:
      return "not set; a random key is used for each process and credentials do not persist";
  }
  return "unknown";
}

int CheckKey() {
  StatusOr<crypto::KeySetting> setting = crypto::ReadKeySetting();
  crypto::ForgetKeyEnvironment();
  if (!setting.ok()) {
    std::cerr << "aurite: error: " << setting.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << setting->origin << ": " << DescribeForm(setting->form) << "\n";
  return kExitOk;
}

}  // namespace

void RegisterKeyCommand(CLI::App& app, CommandResult& result) {
  CLI::App* key = app.add_subcommand("key", "Make and check store encryption keys");
  key->require_subcommand(1);

  CLI::App* generate = key->add_subcommand(
      "generate", "Print a new random Fernet key (44 URL-safe base64 characters)");
  generate->footer(
      "Example:\n  export AURITE_MCP_ENCRYPTION_KEY=\"$(aurite key generate)\"\n"
      "Keep the key out of shell history and version control; anyone holding it can read the "
      "credential store.");
  generate->callback([] { GenerateKey(); });

  CLI::App* check = key->add_subcommand(
      "check", "Say which form of key AURITE_MCP_ENCRYPTION_KEY(_FILE) holds, without printing it");
  check->footer(
      "Exits 2 with an explanation when the key is set but unusable.\nExample:\n"
      "  AURITE_MCP_ENCRYPTION_KEY_FILE=~/.config/aurite/key aurite key check");
  check->callback([&result] { result.exit_status = CheckKey(); });
}

}  // namespace aurite::cli
