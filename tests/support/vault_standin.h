// Test support: tests/harness/vault-standin, a stand-in for Vault's KV
// version 2 HTTP API (written from Vault's documentation; it is not Vault),
// run by the test on a free loopback port it picks and prints, stopped when
// the object goes. When it cannot start, error() says why and tests fail
// with that message: they are never skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/child_process.h"

namespace aurite::testing {

class VaultStandin {
 public:
  // Starts the stand-in; requests must carry X-Vault-Token: `token` (a
  // token that never expires) or another live token. `options` are more
  // of its options, e.g. {"--approle", "ROLE_ID:SECRET_ID", "--token-ttl", "3"}
  // or {"--database-role", "app=URL,ttl=60"}.
  explicit VaultStandin(const std::string& token, const std::vector<std::string>& options = {});
  ~VaultStandin();
  VaultStandin(const VaultStandin&) = delete;
  VaultStandin& operator=(const VaultStandin&) = delete;

  // Empty once the stand-in is up; else why it is not.
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT".
  std::string Url() const;

  // Writes a new version of secret MOUNT/PATH (`secret` is "MOUNT/PATH")
  // holding `data_json` (a JSON object) in `name_space` ("" for none);
  // returns the whole HTTP answer, head and body.
  std::string Put(const std::string& secret, const std::string& data_json,
                  const std::string& name_space = "");

  // Revokes `token` (POST auth/token/revoke-self with it), as an operator
  // or a Vault Agent replacing it would; returns the HTTP status.
  int Revoke(const std::string& token);

  // Sends `method` /v1/`path` with the token, `body` (JSON, may be empty)
  // and `name_space` ("" for none); returns the whole HTTP answer, head and
  // body. E.g. Send("PUT", "sys/seal") makes it answer 503 until
  // Send("PUT", "sys/unseal").
  std::string Send(const std::string& method, const std::string& path, const std::string& body = "",
                   const std::string& name_space = "");

 private:
  std::unique_ptr<runtime::ChildProcess> child_;
  std::string token_;
  std::uint16_t port_ = 0;
  std::string error_;
};

}  // namespace aurite::testing
