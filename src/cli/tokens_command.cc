// `aurite tokens list|revoke`: see and withdraw secured credentials.
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/security_context.h"

namespace aurite::cli {
namespace {

struct TokensFlags {
  StoreFlags store;
  bool json = false;
  std::vector<std::string> ids;
  bool token_from_stdin = false;
};

std::string Expiry(const std::optional<std::int64_t>& expires_at) {
  return expires_at ? FormatUnixTime(*expires_at) : "never";
}

std::string Uses(const security::CredentialSummary& entry) {
  return std::to_string(entry.uses) +
         (entry.max_uses ? "/" + std::to_string(*entry.max_uses) : std::string());
}

using Leases = std::map<std::string, security::LeaseRecord, std::less<>>;

// The lease behind a dynamic user's token, if any.
const security::LeaseRecord* LeaseOf(const security::CredentialSummary& entry,
                                     const Leases& leases) {
  auto id = entry.metadata.find("lease_id");
  if (id == entry.metadata.end()) return nullptr;
  auto lease = leases.find(id->second);
  return lease == leases.end() ? nullptr : &lease->second;
}

nlohmann::json LeaseJson(const security::LeaseRecord& lease) {
  nlohmann::json out = {
      {"id", lease.lease_id},
      {"connection", lease.connection},
      {"user", lease.user_name},
      {"expires_at", lease.expires_at},
      {"max_expires_at", lease.max_expires_at},
      {"state", lease.state == security::LeaseState::kActive ? "active" : "revoking"},
      {"revoke_attempts", lease.revoke_attempts}};
  if (!lease.vault_lease_id.empty()) out["vault_lease_id"] = lease.vault_lease_id;
  return out;
}

void PrintJson(const std::vector<security::CredentialSummary>& list, const Leases& leases) {
  nlohmann::json out = nlohmann::json::array();
  for (const security::CredentialSummary& entry : list) {
    const security::LeaseRecord* lease = LeaseOf(entry, leases);
    out.push_back({{"id", entry.id},
                   {"type", entry.type},
                   {"masked", entry.masked},
                   {"created_at", entry.created_at},
                   {"expires_at", entry.expires_at ? nlohmann::json(*entry.expires_at) : nullptr},
                   {"uses", entry.uses},
                   {"max_uses", entry.max_uses ? nlohmann::json(*entry.max_uses) : nullptr},
                   {"bound_servers", entry.bound_servers},
                   {"metadata", entry.metadata},
                   {"lease", lease != nullptr ? LeaseJson(*lease) : nullptr}});
  }
  std::cout << out.dump(2) << "\n";
}

void PrintTable(const std::vector<security::CredentialSummary>& list, const Leases& leases) {
  if (list.empty()) std::cout << "no live credentials\n";
  for (const security::CredentialSummary& entry : list) {
    std::string bound;
    for (const std::string& server : entry.bound_servers)
      bound += (bound.empty() ? "" : ",") + server;
    std::cout << entry.id << "  " << entry.type << "  created " << FormatUnixTime(entry.created_at)
              << "  expires " << Expiry(entry.expires_at) << "  uses " << Uses(entry) << "  bound "
              << (bound.empty() ? "-" : bound) << "  " << entry.masked;
    if (const security::LeaseRecord* lease = LeaseOf(entry, leases)) {
      std::cout << "  lease " << lease->user_name << " until " << FormatUnixTime(lease->expires_at);
    }
    std::cout << "\n";
  }
  // Users whose revocation failed so far: an operator should know of them.
  for (const auto& [id, lease] : leases) {
    if (lease.state != security::LeaseState::kRevoking) continue;
    std::cout << "lease " << id << "  user " << lease.user_name << " of connection '"
              << lease.connection << "'  being revoked";
    if (!lease.vault_lease_id.empty()) std::cout << " (Vault lease " << lease.vault_lease_id << ")";
    std::cout << ", " << lease.revoke_attempts << " failed tries";
    if (!lease.last_error.empty()) std::cout << ": " << lease.last_error;
    std::cout << "\n";
  }
}

int List(const TokensFlags& flags) {
  auto manager = OpenSecurityManager(flags.store);
  if (!manager.ok()) return ReportError(manager.status());
  std::vector<security::CredentialSummary> list = (*manager)->List();
  StatusOr<security::RecordList<security::LeaseRecord>> stored = (*manager)->ListLeases();
  if (!stored.ok()) return ReportError(stored.status());
  Leases leases;
  for (security::LeaseRecord& lease : stored->records) {
    std::string id = lease.lease_id;
    leases.emplace(std::move(id), std::move(lease));
  }
  if (flags.json) {
    PrintJson(list, leases);
  } else {
    PrintTable(list, leases);
  }
  return kExitOk;
}

int Revoke(const TokensFlags& flags) {
  if (flags.ids.empty() == !flags.token_from_stdin) {
    return ReportError(
        InvalidArgumentError("give credential ids, or --token to read a token from stdin"));
  }
  auto manager = OpenSecurityManager(flags.store);
  if (!manager.ok()) return ReportError(manager.status());
  if (flags.token_from_stdin) {
    StatusOr<crypto::SecretBuffer> token = ReadSecretFromStdin("Token to revoke (not echoed): ");
    if (!token.ok()) return ReportError(token.status());
    Status status = (*manager)->Revoke(token->Reveal());
    if (!status.ok()) return ReportError(status);
    std::cout << "revoked\n";
    return kExitOk;
  }
  for (const std::string& id : flags.ids) {
    Status status = (*manager)->Purge(id);
    if (!status.ok()) return ReportError(status);
    std::cout << "revoked " << id << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterTokensCommand(CLI::App& app, CommandResult& result) {
  auto flags = std::make_shared<TokensFlags>();
  CLI::App* tokens = app.add_subcommand("tokens", "List and revoke secured credentials");
  tokens->require_subcommand(1);

  CLI::App* list = tokens->add_subcommand("list", "Show live credentials, masked");
  list->add_flag("--json", flags->json, "Print JSON instead of one line per credential");
  AddStoreFlags(*list, flags->store);
  list->footer(
      "Shows ids, types, masked forms, lifetimes and uses; never a secret or a token. The token "
      "of a dynamic database user also shows its user and when its lease runs out, and leases "
      "whose user could not be dropped yet are listed after the credentials.\n"
      "Example:\n  aurite tokens list --json");
  list->callback([flags, &result] { result.exit_status = List(*flags); });

  CLI::App* revoke = tokens->add_subcommand(
      "revoke", "Revoke credentials by id (or one token read from stdin); the secret is purged");
  revoke->add_option("ids", flags->ids, "Credential ids, as `aurite tokens list` shows them");
  revoke->add_flag("--token", flags->token_from_stdin,
                   "Read the token to revoke from stdin instead of taking ids");
  AddStoreFlags(*revoke, flags->store);
  revoke->footer(
      "Examples:\n  aurite tokens revoke cred_Zk3…\n"
      "  aurite tokens revoke --token < token.txt");
  revoke->callback([flags, &result] { result.exit_status = Revoke(*flags); });
}

}  // namespace aurite::cli
