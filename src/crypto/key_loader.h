// Where the store key comes from: AURITE_MCP_ENCRYPTION_KEY, or
// AURITE_MCP_ENCRYPTION_KEY_FILE naming a file that holds it.
//
// The value is one of:
//  1. a Fernet key (44 base64url characters decoding to 32 bytes), used as is;
//  2. any other non-empty text: a passphrase, turned into a key with scrypt
//     over the salt kept in the persistent store;
//  3. nothing: a random key for this process only (warned once on stderr).
// A value that is set but unusable is an error naming the variable (and the
// file) it came from and the accepted forms; no message ever contains the
// value. The host may name another variable (security.key_env); every
// message then names that one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/fernet_key.h"
#include "crypto/passphrase_kdf.h"
#include "crypto/secret_buffer.h"

namespace aurite::crypto {

inline constexpr std::string_view kKeyVariable = "AURITE_MCP_ENCRYPTION_KEY";
inline constexpr std::string_view kKeyFileVariable = "AURITE_MCP_ENCRYPTION_KEY_FILE";

enum class KeyForm { kFernetKey, kPassphrase, kUnset };

struct KeySetting {
  KeyForm form = KeyForm::kUnset;
  SecretBuffer value;  // the key text or the passphrase; empty when unset
  // Where the value came from, for messages: the variable, or the file
  // variable and the file ("AURITE_MCP_ENCRYPTION_KEY_FILE ('/path')").
  std::string origin;
  // The variable that sets the key ("AURITE_MCP_ENCRYPTION_KEY" or the one
  // the configuration names), for messages that say how to fix it.
  std::string variable;
};

// Looks up an environment variable; std::nullopt when it is not set.
using EnvironmentLookup = std::function<std::optional<std::string_view>(std::string_view)>;
std::optional<std::string_view> ProcessEnvironment(std::string_view name);
// `name` looked up in `environment`, an empty value counting as unset (as
// the AWS SDKs and most tools read their variables).
std::optional<std::string_view> NonEmptyVariable(const EnvironmentLookup& environment,
                                                 std::string_view name);

// Reads `variable` or `variable`_FILE (at most one may be set).
StatusOr<KeySetting> ReadKeySetting(const EnvironmentLookup& lookup = ProcessEnvironment,
                                    std::string_view variable = kKeyVariable);

// Classifies a value read from the variable or the file. `variable` is what
// sets it, when that is not `origin` itself.
StatusOr<KeySetting> ClassifyKeyText(SecretBuffer text, std::string origin,
                                     std::string variable = "");

// The key for `setting`. A passphrase needs the store's salt; without a salt
// it is an error. An unset key yields a fresh random key (and the warning).
StatusOr<FernetKey> KeyFromSetting(const KeySetting& setting, const std::optional<KdfSalt>& salt);

// Overwrites the two variables' values in this process's memory and unsets
// them, so the key does not linger in the environment once it was read.
void ForgetKeyEnvironment();

}  // namespace aurite::crypto
