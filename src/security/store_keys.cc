// Reading the current and previous store keys from the environment.
#include "security/store_keys.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace aurite::security {

StatusOr<StoreKeySettings> ReadStoreKeySettings(const crypto::EnvironmentLookup& lookup) {
  StoreKeySettings settings;
  AURITE_ASSIGN_OR_RETURN(settings.current, crypto::ReadKeySetting(lookup));
  std::optional<std::string_view> value = lookup(kPreviousKeysVariable);
  std::string_view rest = value.value_or("");
  for (int index = 1; !rest.empty(); ++index) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    AURITE_ASSIGN_OR_RETURN(crypto::KeySetting setting,
                            crypto::ClassifyKeyText(crypto::SecretBuffer::CopyFrom(item),
                                                    std::string(kPreviousKeysVariable) + " (item " +
                                                        std::to_string(index) + ")"));
    settings.previous.push_back(std::move(setting));
  }
  return settings;
}

KeyProvider MakeKeyProvider(const StoreKeySettings& settings,
                            std::optional<crypto::FernetKey>* current_key) {
  KeyProvider provider;
  provider.description = "the key from " + settings.current.origin;
  if (!settings.previous.empty()) {
    provider.description += " (or any key in " + std::string(kPreviousKeysVariable) + ")";
  }
  provider.variable = settings.current.variable;
  provider.keys = [&settings, current_key](
                      const crypto::KdfSalt& salt) -> StatusOr<std::vector<crypto::FernetKey>> {
    std::vector<crypto::FernetKey> keys;
    AURITE_ASSIGN_OR_RETURN(crypto::FernetKey key, crypto::KeyFromSetting(settings.current, salt));
    if (current_key != nullptr) *current_key = key.Clone();
    keys.push_back(std::move(key));
    for (const crypto::KeySetting& setting : settings.previous) {
      AURITE_ASSIGN_OR_RETURN(crypto::FernetKey old_key, crypto::KeyFromSetting(setting, salt));
      keys.push_back(std::move(old_key));
    }
    return keys;
  };
  return provider;
}

void ForgetStoreKeyEnvironment() {
  crypto::ForgetKeyEnvironment();
  std::string name(kPreviousKeysVariable);
  if (char* value = std::getenv(name.c_str())) OPENSSL_cleanse(value, std::strlen(value));
  unsetenv(name.c_str());
}

}  // namespace aurite::security
