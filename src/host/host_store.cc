// Opening the host's store and audit log (host_store.h).
#include "host/host_store.h"

#include "host/postgres_audit_table.h"
#include "host/postgres_store.h"
#include "runtime/log.h"
#include "security/sqlite_store.h"

namespace aurite::host {

StatusOr<HostStore> OpenHostStore(const Config& config, crypto::KeySetting key) {
  HostStore opened;
  opened.keys = std::make_unique<security::StoreKeySettings>();
  opened.keys->current = std::move(key);
  opened.persistent = opened.keys->current.form != crypto::KeyForm::kUnset;
  opened.store_path = config.security.store_path.value_or(security::DefaultStorePath());
  security::SecurityManagerOptions options;
  options.default_ttl = config.security.default_token_ttl;
  const std::filesystem::path audit =
      config.security.audit_log.value_or(opened.store_path.parent_path() / "audit.jsonl");
  if (!opened.persistent) {
    runtime::LogWarn(
        "no store key ({} is unset): credentials are kept in memory only and die with this "
        "process",
        config.security.key_env);
  } else {
    security::KeyProvider keys = security::MakeKeyProvider(*opened.keys);
    if (config.security.store_url) {
      opened.shared = true;
      AURITE_ASSIGN_OR_RETURN(options.store,
                              PostgresStore::Open(config.security.store_url->Reveal(), keys));
    } else {
      AURITE_ASSIGN_OR_RETURN(options.store, security::SqliteStore::Open(opened.store_path, keys));
    }
  }
  AURITE_ASSIGN_OR_RETURN(options.audit_log, security::AuditLog::Open(audit));
  if (opened.shared) {
    AURITE_ASSIGN_OR_RETURN(
        std::string instance,
        MirrorAuditToStore(*options.audit_log, config.security.store_url->Reveal()));
    runtime::LogInfo("audit records also go to the audit table of {} as instance {}",
                     options.store->Describe(), instance);
  }
  AURITE_ASSIGN_OR_RETURN(opened.manager, security::SecurityManager::Create(std::move(options)));
  return opened;
}

}  // namespace aurite::host
