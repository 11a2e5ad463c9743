// VaultClient: one Vault (or OpenBao) server as Aurite talks to it: its
// address, namespace and CA (vault_connection.h) and a token, sent as
// X-Vault-Token with every request. Every Vault call Aurite makes (KV reads
// for ${vault:…} references, the database secrets engine's leases) goes
// through Request(), so how the token is had and kept alive lives here.
//
// Contract:
//  - Request() sends METHOD {address}/v1/PATH with the token, the
//    namespace (when set) and `body` (a JSON text, empty for none), and
//    returns Vault's answer of any HTTP status; the caller reads Vault's
//    statuses and "errors" (vault_kv_answer.h shows the usual mapping).
//  - Errors (Vault unreachable, a slow or oversized answer) are
//    kUnavailable naming the address and the path, or kInvalidArgument for
//    an unreadable CA file; never the token or any part of a body.
//  - Thread-safe: the token is read under a lock; calls run in parallel.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/status.h"
#include "credentials/http_post.h"
#include "crypto/key_loader.h"
#include "crypto/secret_buffer.h"
#include "secrets/vault_connection.h"

namespace aurite::secrets {

class VaultClient {
 public:
  // A client for the Vault that the VAULT_* variables in `environment`
  // describe (LoadVaultConnection's errors). `options` carries timeouts and
  // the size cap; its ca_file is replaced by VAULT_CACERT.
  static StatusOr<std::shared_ptr<VaultClient>> FromEnvironment(
      const crypto::EnvironmentLookup& environment, credentials::HttpRequestOptions options = {});

  VaultClient(VaultConnection connection, credentials::HttpRequestOptions options);
  VaultClient(const VaultClient&) = delete;
  VaultClient& operator=(const VaultClient&) = delete;

  // `path` is what follows /v1/, e.g. "secret/data/orders?version=2".
  StatusOr<credentials::HttpAnswer> Request(credentials::HttpMethod method, std::string_view path,
                                            std::string_view body = {});

  // The address as messages show it, e.g. "https://vault.internal:8200".
  std::string address() const { return connection_.address.Url(); }

 private:
  crypto::SecretBuffer Token() const;

  const VaultConnection connection_;
  const credentials::HttpRequestOptions options_;
  mutable std::mutex mu_;
  crypto::SecretBuffer token_;
};

}  // namespace aurite::secrets
