// Parse into a WipingJson, copy the field out, let the wiping allocator
// cleanse the rest.
#include "secrets/json_field.h"

#include <string>

namespace aurite::secrets {

StatusOr<crypto::SecretBuffer> JsonSecretField(const crypto::SecretBuffer& secret,
                                               std::string_view field, std::string_view what) {
  const std::string shown = "'" + std::string(field) + "'";
  const std::string subject(what);
  const WipingJson document = ParseWipingJson(secret.Reveal());
  if (!document.is_object()) {
    return InvalidArgumentError(subject + " is not a JSON object, so it has no field " + shown +
                                "; leave out #" + std::string(field) + " to use the whole secret");
  }
  return JsonObjectField(document, field, what);
}

StatusOr<crypto::SecretBuffer> JsonObjectField(const WipingJson& object, std::string_view field,
                                               std::string_view what) {
  const std::string shown = "'" + std::string(field) + "'";
  const std::string subject(what);
  const auto found = object.find(field);
  if (found == object.end()) return NotFoundError(subject + " has no field " + shown);
  if (found->is_string())
    return crypto::SecretBuffer::CopyFrom(found->get_ref<const WipedString&>());
  // Numbers and booleans are not serialised through nlohmann's string
  // escaping, so dump() copies nothing of the secret's strings.
  if (found->is_number() || found->is_boolean())
    return crypto::SecretBuffer::CopyFrom(found->dump());
  return InvalidArgumentError(subject + " has a field " + shown + " that is " +
                              std::string(found->type_name()) +
                              ", not a string, a number or a boolean");
}

}  // namespace aurite::secrets
