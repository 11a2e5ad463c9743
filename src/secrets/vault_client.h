// VaultClient: one Vault (or OpenBao) server as Aurite talks to it: its
// address, namespace and CA (vault_connection.h) and a token, sent as
// X-Vault-Token with every request. Every Vault call Aurite makes (KV reads
// for ${vault:…} references, the database secrets engine's leases) goes
// through Request(), so how the token is had and kept alive lives here.
//
// The token (VaultAuth):
//  - kToken: the given token. kTokenFile: the file's token, read again when
//    Vault refuses it (403) or it expires, as a Vault Agent rewrites its
//    sink; the request is then retried once with the new token.
//  - kAppRole: logged in (POST auth/MOUNT/login) on first use; after a 403
//    logged in again and the request retried once.
//  - Its TTL comes from the login answer or, for a given token, from
//    GET auth/token/lookup-self (on first use). When less than a third of
//    it is left, POST auth/token/renew-self renews it: before a request,
//    and from a background thread so an idle gateway's token does not
//    lapse. When a renewal fails or Vault grants less than asked (the
//    token's max TTL), AppRole logs in again at once; a given token is
//    used until it expires, with one warning in the log naming the address
//    (never the token). Once it has expired, Request() fails with
//    kUnauthenticated saying so and how to give Aurite a new one.
//
// Contract:
//  - Request() sends METHOD {address}/v1/PATH with the token, the
//    namespace (when set) and `body` (a JSON text, empty for none), and
//    returns Vault's answer of any HTTP status; the caller reads Vault's
//    statuses and "errors" (vault_kv_answer.h shows the usual mapping).
//  - Errors (Vault unreachable, a slow or oversized answer) are
//    kUnavailable naming the address and the path, or kInvalidArgument for
//    an unreadable CA file; a refused AppRole login is kPermissionDenied
//    with Vault's reason; never the token, role_id, secret_id or any part
//    of a body.
//  - Thread-safe: calls run in parallel; getting and renewing the token is
//    serialised. The destructor stops the background thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "credentials/http_post.h"
#include "crypto/secret_buffer.h"
#include "secrets/vault_connection.h"
#include "secrets/vault_token_answer.h"

namespace aurite::secrets {

class VaultClient {
 public:
  // `options.ca_file` should be connection.ca_file. Starts the background
  // renewal thread, which sleeps until there is a token to keep alive.
  VaultClient(VaultConnection connection, credentials::HttpRequestOptions options);
  ~VaultClient();
  VaultClient(const VaultClient&) = delete;
  VaultClient& operator=(const VaultClient&) = delete;

  // `path` is what follows /v1/, e.g. "secret/data/orders?version=2".
  StatusOr<credentials::HttpAnswer> Request(credentials::HttpMethod method, std::string_view path,
                                            std::string_view body = {});

  // The address as messages show it, e.g. "https://vault.internal:8200".
  std::string address() const { return address_.Url(); }

 private:
  using Clock = std::chrono::steady_clock;

  // The rest hold mu_. Makes token_ fit for a request: logs in, looks it
  // up or renews it as due.
  Status FreshenLocked();
  Status LogInLocked();
  Status LookUpLocked();
  Status RenewLocked();
  // After Vault refused `refused`: true when a new token (re-read file, new
  // login) is worth one retry.
  StatusOr<bool> RecoverLocked(const crypto::SecretBuffer& refused);
  // Re-reads the token file; true when it holds a token other than token_.
  StatusOr<bool> RereadFileLocked();
  void AdoptLocked(VaultTokenGrant grant);
  void WarnNotRenewableLocked(std::string_view why);
  bool ExpiredLocked() const;
  Status ExpiredError() const;
  Clock::time_point NextUpkeepLocked() const;
  // How long to wait before trying again after a failed renewal or login.
  Clock::duration RetryDelayLocked() const;
  void RenewLoop(std::stop_token stop);

  StatusOr<credentials::HttpAnswer> Send(credentials::HttpMethod method, std::string_view path,
                                         std::string_view body,
                                         const crypto::SecretBuffer& token) const;

  const credentials::HttpEndpoint address_;
  const std::string name_space_;
  const credentials::HttpRequestOptions options_;
  VaultAuth auth_;  // its token moves to token_

  std::mutex mu_;
  std::condition_variable_any changed_;
  std::uint64_t generation_ = 0;  // bumped when the token or its TTL changes
  crypto::SecretBuffer token_;
  bool looked_up_ = false;                   // a given token's TTL was asked for
  std::optional<Clock::time_point> expiry_;  // nullopt: never, or not known
  Clock::time_point renew_at_{};
  std::chrono::seconds full_ttl_{0};
  bool renewable_ = false;
  Clock::time_point retry_at_{};  // after a failed renewal, not before this
  bool warned_ = false;

  std::jthread renewer_;  // last: stopped and joined before the rest goes
};

}  // namespace aurite::secrets
