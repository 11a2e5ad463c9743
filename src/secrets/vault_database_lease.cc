// Reading, renewing and revoking Vault's database leases
// (vault_database_lease.h).
#include "secrets/vault_database_lease.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "secrets/vault_errors.h"
#include "secrets/wiping_json.h"

namespace aurite::secrets {
namespace {

using credentials::HttpMethod;

// A string member of `object`, or nullptr.
const WipedString* StringMember(const WipingJson& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return nullptr;
  return &found->get_ref<const WipedString&>();
}

// A positive integer member of `object` (Vault's seconds), or 0.
std::int64_t SecondsMember(const WipingJson& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number_integer()) return 0;
  return std::max<std::int64_t>(found->get<std::int64_t>(), 0);
}

bool BoolMember(const WipingJson& object, const char* key) {
  if (!object.is_object()) return false;
  const auto found = object.find(key);
  return found != object.end() && found->is_boolean() && found->get<bool>();
}

std::string LeaseSubject(std::string_view lease_id) {
  return "Vault lease '" + std::string(lease_id) + "'";
}

// The answer of a request that failed to reach Vault, naming what it was for.
Status Unreached(const Status& status, const std::string& subject) {
  return Status(status.code(), subject + ": " + status.message());
}

}  // namespace

StatusOr<VaultDatabaseLogin> ParseVaultDatabaseLoginAnswer(const crypto::SecretBuffer& body,
                                                           int http_status, std::string_view path,
                                                           std::string_view address) {
  const std::string subject = "Vault database credentials '" + std::string(path) + "'";
  const WipingJson document = ParseWipingJson(body.Reveal());
  if (http_status != 200) {
    return VaultErrorStatus(document, http_status, subject, address, "read", "reading");
  }
  const WipedString* lease_id = StringMember(document, "lease_id");
  const std::int64_t duration = SecondsMember(document, "lease_duration");
  const WipingJson* data = nullptr;
  if (document.is_object()) {
    const auto found = document.find("data");
    if (found != document.end()) data = &*found;
  }
  const WipedString* username = data ? StringMember(*data, "username") : nullptr;
  const WipedString* password = data ? StringMember(*data, "password") : nullptr;
  if (lease_id == nullptr || lease_id->empty() || duration == 0 || username == nullptr ||
      username->empty() || password == nullptr || password->empty()) {
    return FailedPreconditionError(
        "Vault at " + std::string(address) + " answered the read of " + subject +
        " without a lease (lease_id, lease_duration) and data.username and data.password; is '" +
        std::string(path) + "' a role of the database secrets engine (MOUNT/creds/ROLE)?");
  }
  VaultDatabaseLogin login;
  login.lease_id.assign(lease_id->data(), lease_id->size());
  login.lease_duration = std::chrono::seconds(duration);
  login.renewable = BoolMember(document, "renewable");
  login.username.assign(username->data(), username->size());
  login.password =
      crypto::SecretBuffer::CopyFrom(std::string_view(password->data(), password->size()));
  return login;
}

StatusOr<VaultLeaseRenewal> ParseVaultRenewalAnswer(const crypto::SecretBuffer& body,
                                                    int http_status, std::string_view lease_id,
                                                    std::string_view address) {
  const std::string subject = LeaseSubject(lease_id);
  const WipingJson document = ParseWipingJson(body.Reveal());
  if (http_status == 400 || http_status == 404) {
    // Vault answers 400 "lease not found" (or "…is not renewable") for a
    // lease that was revoked or ran out: the login is gone.
    const std::string errors = VaultErrors(document);
    return NotFoundError(subject + " was revoked or has expired at Vault " + std::string(address) +
                         (errors.empty() ? "" : " (Vault said: " + errors + ")"));
  }
  if (http_status != 200) {
    return VaultErrorStatus(document, http_status, subject, address, "renew", "renewing");
  }
  const std::int64_t duration = SecondsMember(document, "lease_duration");
  if (duration == 0) {
    return FailedPreconditionError("Vault at " + std::string(address) + " renewed " + subject +
                                   " without a lease_duration");
  }
  return VaultLeaseRenewal{std::chrono::seconds(duration), BoolMember(document, "renewable")};
}

StatusOr<VaultDatabaseLogin> ReadVaultDatabaseLogin(VaultClient& vault, std::string_view path) {
  StatusOr<credentials::HttpAnswer> answer = vault.Request(HttpMethod::kGet, path);
  if (!answer.ok()) {
    return Unreached(answer.status(), "Vault database credentials '" + std::string(path) + "'");
  }
  return ParseVaultDatabaseLoginAnswer(answer->body, answer->status, path, vault.address());
}

StatusOr<VaultLeaseRenewal> RenewVaultLease(VaultClient& vault, std::string_view lease_id,
                                            std::chrono::seconds increment) {
  nlohmann::json body = {{"lease_id", std::string(lease_id)}};
  if (increment.count() > 0) body["increment"] = increment.count();
  StatusOr<credentials::HttpAnswer> answer =
      vault.Request(HttpMethod::kPut, "sys/leases/renew", body.dump());
  if (!answer.ok()) return Unreached(answer.status(), LeaseSubject(lease_id));
  return ParseVaultRenewalAnswer(answer->body, answer->status, lease_id, vault.address());
}

Status RevokeVaultLease(VaultClient& vault, std::string_view lease_id) {
  const nlohmann::json body = {{"lease_id", std::string(lease_id)}};
  StatusOr<credentials::HttpAnswer> answer =
      vault.Request(HttpMethod::kPut, "sys/leases/revoke", body.dump());
  if (!answer.ok()) return Unreached(answer.status(), LeaseSubject(lease_id));
  if (answer->status >= 200 && answer->status < 300) return OkStatus();
  return VaultErrorStatus(ParseWipingJson(answer->body.Reveal()), answer->status,
                          LeaseSubject(lease_id), vault.address(), "revoke", "revoking");
}

}  // namespace aurite::secrets
