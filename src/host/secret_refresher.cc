// Reading refreshed secret references again, and what follows from each
// read (secret_refresher.h).
#include "host/secret_refresher.h"

#include <vector>

#include "base/text.h"
#include "runtime/log.h"

namespace aurite::host {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

// How often the thread looks for due values: refresh= is at least 1 s.
constexpr std::chrono::milliseconds kRefreshTick{250};

}  // namespace

SecretRefresher::SecretRefresher(security::SecurityManager& manager, Clock clock)
    : manager_(manager), clock_(std::move(clock)) {}

SecretRefresher::~SecretRefresher() { Stop(); }

void SecretRefresher::Add(std::string connection, crypto::SecretBuffer value,
                          const SecretRefresh& refresh) {
  const TimePoint now = clock_();
  Value added{std::move(value), refresh.Clone(), now, now, "", false};
  std::lock_guard lock(mu_);
  values_.insert_or_assign(std::move(connection), std::move(added));
}

StatusOr<crypto::SecretBuffer> SecretRefresher::Current(std::string_view connection) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(connection);
  if (it == values_.end()) {
    return NotFoundError("connection '" + std::string(connection) + "' is not refreshed");
  }
  const Value& value = it->second;
  const SecretRefresh& refresh = value.refresh;
  if (refresh.max_age && clock_() - value.last_good > *refresh.max_age) {
    return UnavailableError("connections." + std::string(connection) + ": " + refresh.references +
                            " could not be read for longer than its max_age of " +
                            SecondsText(*refresh.max_age) +
                            ", so its last value is no longer used (" + value.last_error +
                            "); new connections work again once it can be read");
  }
  return value.current.Clone();
}

void SecretRefresher::RefreshDue(TimePoint now) {
  std::vector<std::pair<std::string, SecretRefresh>> due;
  {
    std::lock_guard lock(mu_);
    for (auto& [connection, value] : values_) {
      if (now - value.last_attempt < value.refresh.interval) continue;
      value.last_attempt = now;
      due.emplace_back(connection, value.refresh.Clone());
    }
  }
  for (auto& [connection, refresh] : due) {
    StatusOr<ExpandedSecret> read =
        ExpandRefreshableSecretReferences(refresh.raw.Reveal(), refresh.sources);
    Settle(connection,
           read.ok() ? StatusOr<crypto::SecretBuffer>(std::move(read->value)) : read.status(), now);
  }
}

void SecretRefresher::Settle(const std::string& connection, StatusOr<crypto::SecretBuffer> read,
                             TimePoint now) {
  std::unique_lock lock(mu_);
  auto it = values_.find(connection);
  if (it == values_.end()) return;
  Value& value = it->second;
  const std::string references = value.refresh.references;
  if (read.ok()) {
    const bool changed = !read->Equals(value.current);
    if (changed) value.current = std::move(*read);
    value.last_good = now;
    value.last_error.clear();
    value.expired = false;
    lock.unlock();
    if (changed) {
      manager_.AuditSecret(security::SecretEvent::kRefreshed, connection, references);
      runtime::LogInfo("connections.{}: {} changed; new connections use the new value", connection,
                       references);
    }
    return;
  }
  value.last_error = read.status().message();
  const bool expired = value.refresh.max_age && now - value.last_good > *value.refresh.max_age;
  const bool newly_expired = expired && !value.expired;
  value.expired = expired;
  const std::string since =
      SecondsText(std::chrono::duration_cast<std::chrono::milliseconds>(now - value.last_good));
  lock.unlock();
  manager_.AuditSecret(security::SecretEvent::kRefreshFailed, connection, references, "failed",
                       read.status().message());
  if (newly_expired) {
    manager_.AuditSecret(security::SecretEvent::kExpired, connection, references, "failed",
                         read.status().message());
    runtime::LogError(
        "connections.{}: {} has not been read for {}, longer than its max_age; new connections "
        "are refused until it can be read: {}",
        connection, references, since, read.status().message());
  } else if (!expired) {
    runtime::LogWarn(
        "connections.{}: {} could not be read again, so new connections keep its value of {} "
        "ago: {}",
        connection, references, since, read.status().message());
  }
}

void SecretRefresher::Start() {
  worker_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      RefreshDue(clock_());
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, stop, kRefreshTick, [] { return false; });
    }
  });
}

void SecretRefresher::Stop() {
  if (worker_.joinable()) {
    worker_.request_stop();
    worker_.join();
  }
}

}  // namespace aurite::host
