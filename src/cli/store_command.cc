// `aurite store migrate`: move a credential store file into a shared
// PostgreSQL store, so several gateways can use what one secured.
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/security_context.h"
#include "host/postgres_store.h"
#include "security/sqlite_store.h"
#include "security/store_keys.h"

namespace aurite::cli {
namespace {

struct MigrateFlags {
  std::string from;
  std::string to;
};

int Migrate(const MigrateFlags& flags) {
  StatusOr<security::StoreKeySettings> settings = security::ReadStoreKeySettings();
  security::ForgetStoreKeyEnvironment();
  if (!settings.ok()) return ReportError(settings.status());
  if (settings->current.form == crypto::KeyForm::kUnset) {
    return ReportError(FailedPreconditionError(
        "no store key: set AURITE_MCP_ENCRYPTION_KEY (or _FILE) to the key of the store file; "
        "the shared store is made with the same key"));
  }
  auto url = ExpandStoreUrl(flags.to);
  if (!url.ok()) return ReportError(url.status());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(flags.from, ec)) {
    return ReportError(NotFoundError("--from: there is no store file '" + flags.from + "'"));
  }
  security::KeyProvider keys = security::MakeKeyProvider(*settings);
  auto from = security::SqliteStore::Open(flags.from, keys);
  if (!from.ok()) return ReportError(from.status());
  auto credentials = (*from)->LoadAll();
  auto leases = (*from)->ListLeases();
  auto rotations = (*from)->ListRotations();
  for (const Status& read : {credentials.status(), leases.status(), rotations.status()}) {
    if (!read.ok()) return ReportError(read);
  }
  // A record that cannot be read would be left behind: move nothing.
  if (!leases->unreadable.empty()) return ReportError(leases->unreadable.front().error);
  if (!rotations->unreadable.empty()) return ReportError(rotations->unreadable.front().error);

  auto to = host::PostgresStore::Open(url->Reveal(), keys);
  if (!to.ok()) return ReportError(to.status());
  Status imported = (*to)->Import(*credentials, leases->records, rotations->records);
  if (!imported.ok()) return ReportError(imported);
  std::cout << "copied " << credentials->size() << " credentials, " << leases->records.size()
            << " leases and " << rotations->records.size() << " rotations from '" << flags.from
            << "' to " << (*to)->Describe()
            << ". The file was not changed; point security.store at the shared store, then "
               "delete the file once every gateway uses it\n";
  return kExitOk;
}

}  // namespace

void RegisterStoreCommand(CLI::App& app, CommandResult& result) {
  CLI::App* store = app.add_subcommand("store", "Work with the credential store");
  store->require_subcommand(1);
  auto flags = std::make_shared<MigrateFlags>();
  CLI::App* migrate = store->add_subcommand(
      "migrate", "Copy a store file into a new shared (PostgreSQL) store, in one transaction");
  migrate->add_option("--from", flags->from, "The store file")->required();
  migrate
      ->add_option("--to", flags->to,
                   "The shared store: postgresql://user:${env:PW}@host/db (the password as "
                   "a reference, never literal)")
      ->required();
  migrate->footer(
      "Both stores use AURITE_MCP_ENCRYPTION_KEY (and AURITE_MCP_PREVIOUS_KEYS for rows under "
      "an older key). The shared store must hold no credentials yet; tokens keep working.\n"
      "Example:\n  STORE_PW=... aurite store migrate --from ~/.local/state/aurite/credentials.db "
      "--to 'postgresql://aurite:${env:STORE_PW}@db/aurite'");
  migrate->callback([flags, &result] { result.exit_status = Migrate(*flags); });
}

}  // namespace aurite::cli
