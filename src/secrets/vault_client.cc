// Requests to Vault with the token and namespace headers, and the token's
// life: login, lookup, renewal, re-reading a token file (vault_client.h).
#include "secrets/vault_client.h"

#include <algorithm>
#include <vector>

#include "runtime/log.h"
#include "secrets/vault_errors.h"
#include "secrets/wiping_json.h"

namespace aurite::secrets {
namespace {

using credentials::HttpAnswer;
using credentials::HttpMethod;

// With nothing to renew, the background thread still wakes this often, so
// a missed notification costs no more than this.
constexpr auto kIdleWake = std::chrono::hours(1);

std::string Said(const crypto::SecretBuffer& body) {
  const std::string errors = VaultErrors(body);
  return errors.empty() ? "" : " (Vault said: " + errors + ")";
}

WipedString Wiped(std::string_view text) { return WipedString(text.data(), text.size()); }

}  // namespace

VaultClient::VaultClient(VaultConnection connection, credentials::HttpRequestOptions options)
    : address_(connection.address),
      name_space_(connection.name_space),
      options_(std::move(options)),
      auth_(std::move(connection.auth)) {
  token_ = std::move(auth_.token);
  renewer_ = std::jthread([this](std::stop_token stop) { RenewLoop(stop); });
}

VaultClient::~VaultClient() = default;

StatusOr<HttpAnswer> VaultClient::Request(HttpMethod method, std::string_view path,
                                          std::string_view body) {
  crypto::SecretBuffer token;
  {
    std::lock_guard lock(mu_);
    AURITE_RETURN_IF_ERROR(FreshenLocked());
    token = token_.Clone();
  }
  StatusOr<HttpAnswer> answer = Send(method, path, body, token);
  if (!answer.ok() || answer->status != 403) return answer;
  {
    std::lock_guard lock(mu_);
    AURITE_ASSIGN_OR_RETURN(const bool retry, RecoverLocked(token));
    if (!retry) {
      if (ExpiredLocked()) return ExpiredError();
      return answer;
    }
    token = token_.Clone();
  }
  return Send(method, path, body, token);
}

Status VaultClient::FreshenLocked() {
  if (auth_.method == VaultAuth::Method::kAppRole && (token_.empty() || ExpiredLocked())) {
    return LogInLocked();
  }
  if (auth_.method != VaultAuth::Method::kAppRole && !looked_up_) {
    AURITE_RETURN_IF_ERROR(LookUpLocked());
  }
  if (ExpiredLocked()) {
    if (auth_.method == VaultAuth::Method::kTokenFile) {
      AURITE_ASSIGN_OR_RETURN(const bool fresh, RereadFileLocked());
      if (fresh) return OkStatus();
    }
    return ExpiredError();
  }
  const Clock::time_point now = Clock::now();
  if (expiry_ && now >= renew_at_ && now >= retry_at_) {
    if (renewable_) return RenewLocked();
    // A token Vault will not renew: AppRole gets a new one in time.
    if (auth_.method == VaultAuth::Method::kAppRole) return LogInLocked();
  }
  return OkStatus();
}

Status VaultClient::LogInLocked() {
  const std::string path = "auth/" + auth_.mount + "/login";
  const std::string what = "the AppRole login (POST " + path + ") at " + address();
  WipingJson request = WipingJson::object();
  request["role_id"] = Wiped(auth_.role_id.Reveal());
  request["secret_id"] = Wiped(auth_.secret_id.Reveal());
  const WipedString text = request.dump();
  AURITE_ASSIGN_OR_RETURN(
      const HttpAnswer answer,
      Send(HttpMethod::kPost, path, std::string_view(text.data(), text.size()), {}));
  if (answer.status == 400 || answer.status == 403) {
    return PermissionDeniedError(what + " was refused" + Said(answer.body) +
                                 "; check the role_id and secret_id (security.vault.auth), and "
                                 "that the secret_id has not expired or been used up");
  }
  if (answer.status != 200) {
    return Status(answer.status >= 500 ? StatusCode::kUnavailable : StatusCode::kFailedPrecondition,
                  what + " failed (HTTP " + std::to_string(answer.status) + ")" +
                      Said(answer.body) + "; is AppRole enabled at auth/" + auth_.mount +
                      " (security.vault.auth.mount)?");
  }
  AURITE_ASSIGN_OR_RETURN(VaultTokenGrant grant, ParseVaultAuthAnswer(answer.body, what));
  warned_ = false;
  AdoptLocked(std::move(grant));
  return OkStatus();
}

Status VaultClient::LookUpLocked() {
  looked_up_ = true;
  const std::string what = "the token lookup at " + address();
  AURITE_ASSIGN_OR_RETURN(const HttpAnswer answer,
                          Send(HttpMethod::kGet, "auth/token/lookup-self", {}, token_));
  if (answer.status != 200) {
    // Then its TTL is not known and it is used as it is; Vault's answer to
    // the request itself says what is wrong with it.
    runtime::LogDebug("{} answered HTTP {}{}", what, answer.status, Said(answer.body));
    return OkStatus();
  }
  AURITE_ASSIGN_OR_RETURN(VaultTokenGrant grant, ParseVaultLookupAnswer(answer.body, what));
  AdoptLocked(std::move(grant));
  return OkStatus();
}

Status VaultClient::RenewLocked() {
  const std::chrono::seconds asked = full_ttl_;
  const std::string what = "the token renewal at " + address();
  const std::string body = "{\"increment\": \"" + std::to_string(asked.count()) + "s\"}";
  StatusOr<HttpAnswer> answer = Send(HttpMethod::kPost, "auth/token/renew-self", body, token_);
  std::string why;
  bool final = false;  // Vault will not renew it (further)
  if (!answer.ok()) {
    why = answer.status().message();
  } else if (answer->status != 200) {
    why = "HTTP " + std::to_string(answer->status) + Said(answer->body);
    final = answer->status < 500;
  } else {
    StatusOr<VaultTokenGrant> grant = ParseVaultAuthAnswer(answer->body, what);
    if (!grant.ok()) return grant.status();
    const std::chrono::seconds granted = grant->ttl;
    grant->full_ttl = asked;
    AdoptLocked(std::move(*grant));
    if (granted >= asked) return OkStatus();
    why = "Vault granted " + std::to_string(granted.count()) + "s of the " +
          std::to_string(asked.count()) + "s asked: the token has reached its max TTL";
    final = true;
  }
  if (auth_.method == VaultAuth::Method::kAppRole) {
    Status login = LogInLocked();
    if (login.ok() || ExpiredLocked()) return login;
    why += "; logging in again failed too: " + login.message();
  } else if (auth_.method == VaultAuth::Method::kTokenFile) {
    AURITE_ASSIGN_OR_RETURN(const bool fresh, RereadFileLocked());
    if (fresh) return OkStatus();
  }
  if (final) renewable_ = false;
  // The token still works until it expires; only then do requests fail.
  retry_at_ = Clock::now() + RetryDelayLocked();
  WarnNotRenewableLocked(why);
  return OkStatus();
}

StatusOr<bool> VaultClient::RecoverLocked(const crypto::SecretBuffer& refused) {
  if (!refused.Equals(token_)) return true;  // another request got a new one meanwhile
  switch (auth_.method) {
    case VaultAuth::Method::kToken:
      return false;
    case VaultAuth::Method::kTokenFile:
      return RereadFileLocked();
    case VaultAuth::Method::kAppRole:
      AURITE_RETURN_IF_ERROR(LogInLocked());
      return true;
  }
  return false;
}

StatusOr<bool> VaultClient::RereadFileLocked() {
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer token, ReadVaultTokenFile(auth_.token_file));
  if (token.Equals(token_)) return false;
  token_ = std::move(token);
  expiry_.reset();
  renewable_ = false;
  warned_ = false;
  retry_at_ = {};
  ++generation_;
  AURITE_RETURN_IF_ERROR(LookUpLocked());
  return true;
}

void VaultClient::AdoptLocked(VaultTokenGrant grant) {
  if (!grant.token.empty()) token_ = std::move(grant.token);
  const Clock::time_point now = Clock::now();
  full_ttl_ = grant.full_ttl;
  renewable_ = grant.renewable;
  retry_at_ = {};
  if (grant.ttl.count() > 0) {
    expiry_ = now + grant.ttl;
    renew_at_ = *expiry_ - std::chrono::duration_cast<Clock::duration>(full_ttl_) / 3;
  } else {
    expiry_.reset();
  }
  ++generation_;
  changed_.notify_all();
}

void VaultClient::WarnNotRenewableLocked(std::string_view why) {
  if (warned_) return;
  warned_ = true;
  const auto left =
      expiry_ ? std::chrono::duration_cast<std::chrono::seconds>(*expiry_ - Clock::now()).count()
              : 0;
  runtime::LogWarn(
      "the Vault token for {} could not be renewed ({}); it expires in {}s, and then reads from "
      "Vault fail until Aurite has a new token",
      address(), why, std::max<std::int64_t>(0, left));
}

bool VaultClient::ExpiredLocked() const { return expiry_ && Clock::now() >= *expiry_; }

Status VaultClient::ExpiredError() const {
  const std::string how =
      auth_.method == VaultAuth::Method::kTokenFile
          ? "the token file '" + auth_.token_file +
                "' still holds it; check that the Vault Agent (or whatever writes that file) "
                "is running and can log in"
          : "give Aurite a new token (VAULT_TOKEN or security.vault.token, e.g. from 'vault "
            "token create'), or let it get its own with a Vault Agent token file "
            "(security.vault.token_file) or AppRole (security.vault.auth)";
  return UnauthenticatedError("the Vault token for " + address() +
                              " has expired: its TTL ran out and Vault did not renew it; " + how);
}

VaultClient::Clock::time_point VaultClient::NextUpkeepLocked() const {
  const Clock::time_point idle = Clock::now() + kIdleWake;
  if (!expiry_ || (!renewable_ && auth_.method != VaultAuth::Method::kAppRole)) return idle;
  // Only a new token helps, and nothing here can get one.
  if (auth_.method == VaultAuth::Method::kToken && ExpiredLocked()) return idle;
  return std::min(std::max(renew_at_, retry_at_), idle);
}

VaultClient::Clock::duration VaultClient::RetryDelayLocked() const {
  return std::max<Clock::duration>(std::chrono::seconds(1),
                                   std::chrono::duration_cast<Clock::duration>(full_ttl_) / 10);
}

void VaultClient::RenewLoop(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    const Clock::time_point at = NextUpkeepLocked();
    const std::uint64_t seen = generation_;
    if (changed_.wait_until(lock, stop, at, [&] { return generation_ != seen; })) continue;
    if (stop.stop_requested() || Clock::now() < at) continue;
    if (Status kept = FreshenLocked(); !kept.ok()) {
      if (!warned_) {  // once per token: the next request reports it too
        warned_ = true;
        runtime::LogWarn("keeping the Vault token for {} alive failed: {}", address(),
                         kept.message());
      }
      retry_at_ = Clock::now() + RetryDelayLocked();
    }
  }
}

StatusOr<HttpAnswer> VaultClient::Send(HttpMethod method, std::string_view path,
                                       std::string_view body,
                                       const crypto::SecretBuffer& token) const {
  credentials::HttpEndpoint endpoint = address_;
  endpoint.path += "/v1/";
  endpoint.path += path;
  std::vector<crypto::HttpHeader> headers{{"Accept", "application/json"}};
  if (!token.empty()) headers.push_back({"X-Vault-Token", token.Reveal()});
  if (!name_space_.empty()) headers.push_back({"X-Vault-Namespace", name_space_});
  if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
  StatusOr<HttpAnswer> answer = credentials::HttpRequest(method, endpoint, headers, body, options_);
  if (!answer.ok()) {
    // HttpRequest names the URL (address and path), never a header.
    const StatusCode code = answer.status().code() == StatusCode::kInvalidArgument
                                ? StatusCode::kInvalidArgument
                                : StatusCode::kUnavailable;
    return Status(code,
                  "Vault at " + address() + " cannot be reached: " + answer.status().message());
  }
  return answer;
}

}  // namespace aurite::secrets
