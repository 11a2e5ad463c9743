// Vault's error answers as Statuses (vault_errors.h).
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

Status VaultErrorStatus(const WipingJson& document, int http_status, const std::string& subject,
                        std::string_view address, std::string_view verb, std::string_view gerund) {
  const std::string errors = VaultErrors(document);
  const std::string said = errors.empty() ? "" : " (Vault said: " + errors + ")";
  if (http_status == 403) {
    // Vault's usual text says no more than our own.
    return PermissionDeniedError(
        subject + ": permission denied" + (errors == "permission denied" ? "" : said) +
        "; check the token and that its policy allows " + std::string(gerund) + " it");
  }
  if (http_status == 404) {
    return NotFoundError(subject + " does not exist at " + std::string(address) + said);
  }
  const std::string what = " to " + std::string(verb) + " " + subject + " (HTTP " +
                           std::to_string(http_status) + ")" + said;
  if (http_status >= 500) {
    return UnavailableError("Vault at " + std::string(address) + " failed" + what);
  }
  return InvalidArgumentError("Vault at " + std::string(address) + " refused" + what);
}

}  // namespace aurite::secrets
