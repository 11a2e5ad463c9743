// `aurite secure`: put a secret into the credential store and print a token for it.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/security_context.h"

namespace aurite::cli {
namespace {

struct SecureFlags {
  std::string type{security::kDatabaseConnection};
  std::string ttl;
  std::vector<std::string> bound_servers;
  std::uint32_t max_uses = 0;
  StoreFlags store;
};

int Secure(const SecureFlags& flags) {
  security::SecureOptions options;
  if (!flags.ttl.empty()) {
    StatusOr<std::chrono::seconds> ttl = ParseDuration(flags.ttl);
    if (!ttl.ok()) return ReportError(ttl.status());
    options.ttl = *ttl;
  }
  if (flags.max_uses > 0) options.max_uses = flags.max_uses;
  options.bound_servers = flags.bound_servers;
  auto manager = OpenSecurityManager(flags.store);
  if (!manager.ok()) return ReportError(manager.status());
  StatusOr<crypto::SecretBuffer> secret = ReadSecretFromStdin("Secret to secure (not echoed): ");
  if (!secret.ok()) return ReportError(secret.status());
  auto secured = (*manager)->Secure(flags.type, std::move(*secret), options);
  if (!secured.ok()) return ReportError(secured.status());
  std::fputs("token: ", stdout);
  std::fwrite(secured->token.data(), 1, secured->token.size(), stdout);
  std::cout << "\nmasked: " << secured->masked << "\nid: " << secured->credential_id
            << "\nexpires: "
            << (secured->expires_at ? FormatUnixTime(*secured->expires_at) : std::string("never"))
            << "\n";
  return kExitOk;
}

}  // namespace

void RegisterSecureCommand(CLI::App& app, CommandResult& result) {
  auto flags = std::make_shared<SecureFlags>();
  CLI::App* secure = app.add_subcommand(
      "secure", "Encrypt a secret into the credential store and print an access token for it");
  secure->add_option("--type", flags->type, "Credential type")->capture_default_str();
  secure->add_option("--ttl", flags->ttl,
                     "Token lifetime: 90s, 15m, 1h, 7d, or 0 for none (default: 1h)");
  secure->add_option("--bind-server", flags->bound_servers,
                     "Only this server may resolve the token (repeatable)");
  secure->add_option("--max-uses", flags->max_uses, "Revoke the token after this many resolves");
  AddStoreFlags(*secure, flags->store);
  secure->footer(
      "The secret is read from stdin, or from a prompt that does not echo when stdin is a "
      "terminal; never pass it as an argument. Needs AURITE_MCP_ENCRYPTION_KEY.\n"
      "Examples:\n"
      "  aurite secure --ttl 8h --bind-server sql < connection.txt\n"
      "  aurite secure --type database_connection          # prompts for the secret");
  secure->callback([flags, &result] { result.exit_status = Secure(*flags); });
}

}  // namespace aurite::cli
