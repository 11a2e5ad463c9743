// NamedLogins: the logins the host makes, when a backend resolves the
// token, for named connections whose `credentials` block says how
// (credentials/credentials_config.h). The stored secret of such a token is
// the login-less connection string; the answer to a resolve carries a
// connection string with a fresh login instead.
//
// Contract:
//  - Add() sets up the maker for one connection and the token it was given;
//    a mode this host cannot make a login for is an error, so that start-up
//    stops instead of letting a backend log in without one (fail closed).
//  - Make() returns nullopt for a token without a maker, else the login or
//    why it could not be made (a message without secrets).
//  - Thread-safe; makers run outside the lock, so one slow command does not
//    hold up the other connections.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "host/config.h"
#include "host/password_rotator.h"

namespace aurite::host {

class NamedLogins {
 public:
  using Maker = std::function<StatusOr<crypto::SecretBuffer>()>;

  // `connection` must have a credentials block; `token_digest` is the hex
  // digest of its named token. Mode "rotate" needs `rotator`, which must
  // outlive this.
  Status Add(const ConnectionConfig& connection, std::string token_digest,
             PasswordRotator* rotator);

  // Makes the logins of `token_digest` with `maker` from now on (e.g. the
  // latest value of a refreshed connection string).
  void Set(std::string token_digest, Maker maker);

  std::optional<StatusOr<crypto::SecretBuffer>> Make(std::string_view token_digest) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Maker, std::less<>> makers_;  // by token digest
};

}  // namespace aurite::host
