// Vault's "errors" array to one line of text.
#include "secrets/vault_errors.h"

#include "base/text.h"

namespace aurite::secrets {

std::string VaultErrors(const WipingJson& document) {
  std::string joined;
  if (!document.is_object()) return joined;
  const auto errors = document.find("errors");
  if (errors == document.end() || !errors->is_array()) return joined;
  for (const WipingJson& error : *errors) {
    if (!error.is_string()) continue;
    if (!joined.empty()) joined += "; ";
    const WipedString& text = error.get_ref<const WipedString&>();
    joined.append(text.data(), text.size());
  }
  return PeerTextExcerpt(joined);
}

std::string VaultErrors(const crypto::SecretBuffer& body) {
  return VaultErrors(ParseWipingJson(body.Reveal()));
}

}  // namespace aurite::secrets
