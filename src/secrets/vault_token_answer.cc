// Login, renew-self and lookup-self answers to a VaultTokenGrant.
#include "secrets/vault_token_answer.h"

#include <string>

#include "secrets/wiping_json.h"

namespace aurite::secrets {
namespace {

Status Malformed(std::string_view what, std::string_view missing) {
  return UnavailableError(std::string(what) + " answered without " + std::string(missing) +
                          "; is the address a Vault (or OpenBao) server?");
}

const WipingJson* Member(const WipingJson& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

bool Renewable(const WipingJson& object) {
  const WipingJson* renewable = Member(object, "renewable");
  return renewable != nullptr && renewable->is_boolean() && renewable->get<bool>();
}

std::chrono::seconds Seconds(const WipingJson& number) {
  return std::chrono::seconds(std::max<std::int64_t>(0, number.get<std::int64_t>()));
}

}  // namespace

StatusOr<VaultTokenGrant> ParseVaultAuthAnswer(const crypto::SecretBuffer& body,
                                               std::string_view what) {
  const WipingJson document = ParseWipingJson(body.Reveal());
  const WipingJson* auth = Member(document, "auth");
  if (auth == nullptr || !auth->is_object()) return Malformed(what, "an auth object");
  const WipingJson* token = Member(*auth, "client_token");
  if (token == nullptr || !token->is_string() || token->get_ref<const WipedString&>().empty()) {
    return Malformed(what, "auth.client_token");
  }
  const WipingJson* lease = Member(*auth, "lease_duration");
  if (lease == nullptr || !lease->is_number_integer()) {
    return Malformed(what, "a whole number auth.lease_duration");
  }
  VaultTokenGrant grant;
  const WipedString& text = token->get_ref<const WipedString&>();
  grant.token = crypto::SecretBuffer::CopyFrom(std::string_view(text.data(), text.size()));
  grant.ttl = grant.full_ttl = Seconds(*lease);
  grant.renewable = Renewable(*auth);
  return grant;
}

StatusOr<VaultTokenGrant> ParseVaultLookupAnswer(const crypto::SecretBuffer& body,
                                                 std::string_view what) {
  const WipingJson document = ParseWipingJson(body.Reveal());
  const WipingJson* data = Member(document, "data");
  const WipingJson* ttl = data == nullptr ? nullptr : Member(*data, "ttl");
  if (ttl == nullptr || !ttl->is_number_integer())
    return Malformed(what, "a whole number data.ttl");
  VaultTokenGrant grant;
  grant.ttl = grant.full_ttl = Seconds(*ttl);
  if (const WipingJson* creation = Member(*data, "creation_ttl");
      creation != nullptr && creation->is_number_integer() && Seconds(*creation) > grant.ttl) {
    grant.full_ttl = Seconds(*creation);
  }
  grant.renewable = Renewable(*data);
  return grant;
}

}  // namespace aurite::secrets
