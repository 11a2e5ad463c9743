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
  std::filesystem::path store_path;  // where the store is, or would be
  bool persistent = false;           // false: no key, memory only
};

// Opens `config`'s store with `key` (unset: memory only, with a warning)
// and its audit log.
StatusOr<HostStore> OpenHostStore(const Config& config, crypto::KeySetting key);

}  // namespace aurite::host
