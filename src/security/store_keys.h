// The persistent store's keys from the environment: the current key from
// AURITE_MCP_ENCRYPTION_KEY(_FILE) and older keys from
// AURITE_MCP_PREVIOUS_KEYS (comma-separated; each a Fernet key or a
// passphrase), so a store written under an older key can be read and rotated.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/key_loader.h"
#include "security/credential_store.h"

namespace aurite::security {

inline constexpr std::string_view kPreviousKeysVariable = "AURITE_MCP_PREVIOUS_KEYS";

struct StoreKeySettings {
  crypto::KeySetting current;  // form kUnset when no key is configured
  std::vector<crypto::KeySetting> previous;
};

StatusOr<StoreKeySettings> ReadStoreKeySettings(
    const crypto::EnvironmentLookup& lookup = crypto::ProcessEnvironment);

// A KeyProvider deriving every key over the store's salt, current key first.
// When `current_key` is not null it receives a copy of the current key.
// `settings` must outlive the provider.
KeyProvider MakeKeyProvider(const StoreKeySettings& settings,
                            std::optional<crypto::FernetKey>* current_key = nullptr);

// Wipes and unsets the key variables, including AURITE_MCP_PREVIOUS_KEYS.
void ForgetStoreKeyEnvironment();

}  // namespace aurite::security
