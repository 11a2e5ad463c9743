// HostStore: the credential store and audit log a configuration names,
// opened as `aurite serve` opens them, for the host and for the commands
// that act on the host's behalf (`aurite credentials rotate`).
#pragma once

#include <filesystem>
#include <memory>

#include "base/status.h"
#include "crypto/key_loader.h"
#include "host/config.h"
#include "security/security_manager.h"
#include "security/store_keys.h"

namespace aurite::host {

struct HostStore {
  // The store's key provider refers to `keys`: keep them together.
  std::unique_ptr<security::StoreKeySettings> keys;
  std::unique_ptr<security::SecurityManager> manager;
  // Where the store file is, or would be. With a shared (PostgreSQL) store,
  // the default file's place: the local state (audit log, host locks) goes
  // beside it.
  std::filesystem::path store_path;
  bool persistent = false;  // false: no key, memory only
  bool shared = false;      // true: the store is PostgreSQL (security.store)
};

// Opens `config`'s store with `key` (unset: memory only, with a warning)
// and its audit log.
StatusOr<HostStore> OpenHostStore(const Config& config, crypto::KeySetting key);

}  // namespace aurite::host
