// The rule for which connection-string keys name a secret (see secret_keys.h).
#include "crypto/secret_keys.h"

#include <string>

#include "base/text.h"

namespace aurite::crypto {

bool IsSecretKeyName(std::string_view name) {
  std::string lower = AsciiLowercase(name);
  for (std::string_view exception : kNonSecretKeyNames) {
    if (lower == exception) return false;
  }
  for (std::string_view word : kSecretKeyWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return lower == "sig";
}

}  // namespace aurite::crypto
