// The desktop keyring as a secret store: `${keyring:SERVICE/ACCOUNT}` and
// `aurite secret set`, through the freedesktop Secret Service API (libsecret;
// GNOME Keyring, KWallet and KeePassXC all serve it).
//
// Contract:
//  - An item is found by two attributes, `service` and `account`, the ones
//    `secret-tool store --label=L service S account A` writes, so items made
//    with either tool serve both.
//  - Each call finishes within `timeout`: a keyring that waits for an
//    unlock prompt nobody answers fails with kDeadlineExceeded instead of
//    hanging start-up.
//  - The value comes back in a SecretBuffer; libsecret's own copy is wiped
//    (secret_password_free). What nobody can wipe: the copies D-Bus and the
//    keyring daemon make on the way.
//  - Messages name the service and account, never the value.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::secrets {

struct KeyringItem {
  std::string service;
  std::string account;
};

// "SERVICE/ACCOUNT" (split at the first '/'; the account may contain more)
// → the item; kInvalidArgument naming the expected form otherwise.
StatusOr<KeyringItem> ParseKeyringItem(std::string_view text);

inline constexpr std::chrono::seconds kKeyringTimeout{10};

// The item's secret. kNotFound when there is none, kUnavailable when no
// Secret Service answers (no session bus, no keyring daemon),
// kDeadlineExceeded after `timeout` (e.g. a locked keyring waiting for a
// prompt).
StatusOr<crypto::SecretBuffer> ReadKeyringSecret(
    const KeyringItem& item, std::chrono::milliseconds timeout = kKeyringTimeout);

// Stores `secret` as the item in the default collection, replacing what was
// there, labelled `label`.
Status StoreKeyringSecret(const KeyringItem& item, const crypto::SecretBuffer& secret,
                          std::string_view label,
                          std::chrono::milliseconds timeout = kKeyringTimeout);

}  // namespace aurite::secrets
