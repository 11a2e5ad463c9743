// Status first (Vault's "errors"), then data.data, then the field.
#include "secrets/vault_kv_answer.h"

#include <string>

#include "base/text.h"
#include "secrets/json_field.h"
#include "secrets/vault_errors.h"
#include "secrets/wiping_json.h"

namespace aurite::secrets {
StatusOr<crypto::SecretBuffer> ParseVaultKvAnswer(const crypto::SecretBuffer& body, int http_status,
                                                  const VaultSecretReference& reference,
                                                  std::string_view address) {
  const std::string subject = "Vault secret '" + reference.Describe() + "'";
  const WipingJson document = ParseWipingJson(body.Reveal());
  if (http_status != 200)
    return VaultErrorStatus(document, http_status, subject, address, "read", "reading");
  const WipingJson* data = nullptr;
  if (document.is_object()) {
    const auto outer = document.find("data");
    if (outer != document.end() && outer->is_object()) {
      const auto inner = outer->find("data");
      if (inner != outer->end() && inner->is_object()) data = &*inner;
    }
  }
  if (data == nullptr) {
    return FailedPreconditionError("Vault at " + std::string(address) + " answered the read of " +
                                   subject + " without a data.data object; is mount '" +
                                   reference.mount +
                                   "' a KV version 2 engine (KV version 1 is not supported)?");
  }
  if (reference.field) return JsonObjectField(*data, *reference.field, subject);
  if (data->size() == 1) return JsonObjectField(*data, data->begin().key(), subject);
  // Field names are not secret (policies and the UI show them); listing
  // them says what to write after '#'.
  std::string names;
  for (auto it = data->begin(); it != data->end(); ++it) {
    names += (names.empty() ? "'" : ", '") + std::string(it.key().data(), it.key().size()) + "'";
  }
  return InvalidArgumentError(subject + " has " + std::to_string(data->size()) + " fields" +
                              (names.empty() ? "" : " (" + PeerTextExcerpt(names) + ")") +
                              "; name one with #FIELD, e.g. ${vault:" + reference.mount + "/" +
                              reference.path + "#password}");
}

}  // namespace aurite::secrets
