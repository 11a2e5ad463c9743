// IssuerKeys: an OAuth issuer's signing keys, fetched when first needed,
// cached, and fetched again when a token names a key the cache does not
// hold (the issuer rotated its keys) — at most once a minute, so a client
// sending made-up key ids cannot make us hammer the issuer.
//
// Contract:
//  - Verify() checks a token as VerifyAccessToken does, with the cached
//    keys. On an unknown key id it refetches (if the last fetch is at least
//    `min_refetch` old) and tries once more; a token whose key is still
//    unknown is refused (kUnauthenticated).
//  - Keys older than `max_age` are refetched on the next Verify(), so a key
//    the issuer withdrew stops working within that time. When that refetch
//    fails, the cached keys stay in use (the issuer being down must not lock
//    every user out), LastFetchError() says why, and the next attempt waits
//    `min_refetch`.
//  - With no keys cached and the fetch failing, Verify() fails with
//    kUnavailable (fail closed: no token is accepted unchecked).
//  - Thread-safe. One fetch runs at a time; while it runs, other callers
//    use the cached keys, and only a caller with none waits for it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "security/json_web_keys.h"
#include "security/jwt_verifier.h"

namespace aurite::security {

class IssuerKeys {
 public:
  // Fetches the issuer's JWKS document (e.g. GET jwks_uri).
  using FetchFn = std::function<StatusOr<std::string>()>;
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

  struct Options {
    std::chrono::seconds min_refetch{60};
    std::chrono::seconds max_age{3600};
  };

  IssuerKeys(FetchFn fetch, Options options, SteadyClock clock = std::chrono::steady_clock::now);

  StatusOr<nlohmann::json> Verify(std::string_view token, const AccessTokenRules& rules,
                                  std::chrono::system_clock::time_point now);

  // Why the last fetch failed; ok when it succeeded (or none was made). For
  // the caller to log or report (the cached keys may be in use meanwhile).
  Status LastFetchError() const;

 private:
  // The cached keys, fetched first if none are or they are older than
  // max_age (refetch: also on an unknown key id); null and an error when
  // there are none to use.
  StatusOr<std::shared_ptr<const JsonWebKeySet>> Keys(bool unknown_key_id);

  const FetchFn fetch_;
  const Options options_;
  const SteadyClock clock_;
  std::mutex fetch_mu_;  // one fetch at a time
  mutable std::mutex mu_;
  std::shared_ptr<const JsonWebKeySet> keys_;
  Status last_fetch_error_;
  std::chrono::steady_clock::time_point fetched_at_{};
  std::chrono::steady_clock::time_point tried_at_{};
  bool tried_ = false;
};

}  // namespace aurite::security
