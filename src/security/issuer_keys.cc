// The fetch-and-cache policy of issuer_keys.h.
#include "security/issuer_keys.h"

#include <utility>

namespace aurite::security {

IssuerKeys::IssuerKeys(FetchFn fetch, Options options, SteadyClock clock)
    : fetch_(std::move(fetch)), options_(options), clock_(std::move(clock)) {}

StatusOr<std::shared_ptr<const JsonWebKeySet>> IssuerKeys::Keys(bool unknown_key_id) {
  // While another thread fetches (up to the HTTP timeout), the cached keys
  // serve everyone else; only a caller with no keys at all waits for it.
  std::unique_lock fetching(fetch_mu_, std::try_to_lock);
  if (!fetching.owns_lock()) {
    {
      std::lock_guard lock(mu_);
      if (keys_) return keys_;
    }
    fetching.lock();
  }
  std::shared_ptr<const JsonWebKeySet> cached;
  {
    std::lock_guard lock(mu_);
    cached = keys_;
    const auto now = clock_();
    const bool stale = cached && now - fetched_at_ >= options_.max_age;
    const bool may_fetch = !tried_ || now - tried_at_ >= options_.min_refetch;
    if (cached && !stale && !unknown_key_id) return cached;
    if (!may_fetch) {
      if (cached) return cached;
      return UnavailableError(
          "the access token cannot be checked: its issuer's keys could not be fetched; "
          "try again in a minute");
    }
    tried_ = true;
    tried_at_ = now;
  }
  StatusOr<std::string> document = fetch_();
  StatusOr<JsonWebKeySet> parsed =
      document.ok() ? JsonWebKeySet::Parse(*document) : StatusOr<JsonWebKeySet>(document.status());
  if (!parsed.ok()) {
    {
      std::lock_guard lock(mu_);
      last_fetch_error_ = parsed.status();
    }
    if (cached) return cached;
    return UnavailableError(
        "the access token cannot be checked: its issuer's keys could not "
        "be fetched (" +
        parsed.status().message() + ")");
  }
  auto fresh = std::make_shared<const JsonWebKeySet>(std::move(parsed).value());
  std::lock_guard lock(mu_);
  keys_ = fresh;
  fetched_at_ = clock_();
  last_fetch_error_ = OkStatus();
  return fresh;
}

Status IssuerKeys::LastFetchError() const {
  std::lock_guard lock(mu_);
  return last_fetch_error_;
}

StatusOr<nlohmann::json> IssuerKeys::Verify(std::string_view token, const AccessTokenRules& rules,
                                            std::chrono::system_clock::time_point now) {
  AURITE_ASSIGN_OR_RETURN(std::shared_ptr<const JsonWebKeySet> keys, Keys(false));
  StatusOr<nlohmann::json> verified = VerifyAccessToken(token, *keys, rules, now);
  if (verified.status().code() != StatusCode::kNotFound) return verified;
  AURITE_ASSIGN_OR_RETURN(std::shared_ptr<const JsonWebKeySet> refetched, Keys(true));
  verified = VerifyAccessToken(token, *refetched, rules, now);
  if (verified.status().code() != StatusCode::kNotFound) return verified;
  return UnauthenticatedError(
      "the access token was refused: it is signed by a key its issuer does not list");
}

}  // namespace aurite::security
