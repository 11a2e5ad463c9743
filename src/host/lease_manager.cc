// Dynamic database users as leases (lease_manager.h): making, renewing,
// expiring and revoking them, and settling what a crashed run left.
#include "host/lease_manager.h"

#include <set>

#include "host/made_logins.h"
#include "runtime/log.h"

namespace aurite::host {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::chrono::milliseconds kLeaseTick{250};

}  // namespace

struct LeaseManager::Live {
  security::LeaseRecord record;
  std::chrono::seconds length;  // what the lease was last granted for
  bool used_since_renewal = false;
};

LeaseManager::LeaseManager(security::SecurityManager& manager, const HostInstance& instance,
                           LeaseIssuers issuers, Clock clock)
    : manager_(manager),
      instance_(instance),
      clock_(std::move(clock)),
      issuers_(std::move(issuers)) {}

LeaseManager::~LeaseManager() { Shutdown(); }

bool LeaseManager::IsLeased(std::string_view connection) const {
  return issuers_.find(connection) != issuers_.end();
}

Status LeaseManager::Start(EndListener on_end) {
  {
    std::lock_guard lock(mu_);
    on_end_ = std::move(on_end);
  }
  {
    AURITE_ASSIGN_OR_RETURN(security::RecordList<security::LeaseRecord> stored,
                            manager_.ListLeases());
    for (const security::UnreadableRecord& unreadable : stored.unreadable) {
      // Its user cannot be named, so it cannot be dropped: say so loudly and
      // go on serving the connections whose leases can be read.
      manager_.AuditUnreadable(unreadable);
      runtime::LogError(
          "a lease record in the store cannot be read ({}); its database user, if "
          "any, must be dropped by hand",
          unreadable.error.message());
    }
    std::set<std::string> ended_hosts;
    for (security::LeaseRecord& record : stored.records) {
      if (instance_.IsRunning(record.host_instance)) continue;  // another gateway's, live
      ended_hosts.insert(record.host_instance);
      record.state = security::LeaseState::kRevoking;
      Revoke(std::move(record), "left by an ended run of the host");
    }
    for (const std::string& host : ended_hosts) instance_.Forget(host);
  }
  worker_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  return OkStatus();
}

StatusOr<OpenedLease> LeaseManager::Open(std::string_view connection_name) {
  auto found = issuers_.find(connection_name);
  if (found == issuers_.end()) {
    return NotFoundError("connection '" + std::string(connection_name) +
                         "' does not lease its logins");
  }
  const TimePoint now = clock_();
  security::LeaseRecord record;
  record.lease_id = security::NewLeaseId();
  record.connection = std::string(connection_name);
  record.created_at = ToUnixSeconds(now);
  record.host_instance = instance_.id();
  bool recorded = false;
  security::LeaseRecord stored_first;
  // The record first: a crash from here on leaves a lease the next start
  // revokes, never a login nobody knows of.
  auto record_first = [&](const security::LeaseRecord& first) {
    if (Status stored = manager_.PutLease(first); !stored.ok()) {
      return Status(stored.code(),
                    "the lease cannot be recorded, so no login is made: " + stored.message());
    }
    recorded = true;
    stored_first = first;
    return OkStatus();
  };
  StatusOr<IssuedLogin> issued = found->second->Issue(record, now, record_first);
  Status made = issued.ok() && !recorded
                    ? InternalError("connection '" + record.connection +
                                    "': a login was made without a lease record")
                    : issued.status();
  if (made.ok()) {
    record.expires_at = ToUnixSeconds(issued->term.expires_at);
    record.max_expires_at = ToUnixSeconds(issued->term.max_expires_at);
    // What the issuer learnt (Vault's lease id) must be on record too; a
    // record that did not change is not written again.
    const bool changed = record.user_name != stored_first.user_name ||
                         record.vault_lease_id != stored_first.vault_lease_id ||
                         record.expires_at != stored_first.expires_at ||
                         record.max_expires_at != stored_first.max_expires_at;
    if (Status stored = changed ? manager_.PutLease(record) : OkStatus(); !stored.ok()) {
      made = Status(stored.code(), "the lease cannot be recorded: " + stored.message());
    }
  }
  if (!made.ok()) {
    if (!recorded) return made;
    (void)Audit(security::LeaseEvent::kCreated, record, "failed", made.message());
    record.state = security::LeaseState::kRevoking;
    Revoke(record, "its creation failed");
    return made;
  }
  if (Status audited = Audit(security::LeaseEvent::kCreated, record, "ok", ""); !audited.ok()) {
    // Fail closed: a login nobody can find in the audit log is dropped.
    record.state = security::LeaseState::kRevoking;
    Revoke(record, "its creation could not be audited");
    return audited;
  }
  OpenedLease opened{record.lease_id, record.user_name, std::move(issued->connection_string),
                     issued->term.expires_at, issued->term.max_expires_at};
  std::string lease_id = record.lease_id;  // the key, before the record is moved
  std::lock_guard lock(mu_);
  live_.emplace(std::move(lease_id), Live{std::move(record), issued->term.length, false});
  return opened;
}

void LeaseManager::Touch(const std::string& lease_id) {
  std::lock_guard lock(mu_);
  auto it = live_.find(lease_id);
  if (it != live_.end()) it->second.used_since_renewal = true;
}

void LeaseManager::End(const std::string& lease_id, std::string_view why) {
  security::LeaseRecord record;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(lease_id);
    if (it == live_.end()) return;  // ended already
    record = std::move(it->second.record);
    live_.erase(it);
  }
  record.state = security::LeaseState::kRevoking;
  Revoke(std::move(record), why);
}

void LeaseManager::Revoke(security::LeaseRecord record, std::string_view why) {
  EndListener on_end;
  {
    std::lock_guard lock(mu_);
    on_end = on_end_;
  }
  if (on_end) on_end(record.lease_id);
  // Revoking is on record before it starts, so a crash mid-way retries it.
  (void)manager_.PutLease(record);
  Status revoked = NotFoundError(
      "connection '" + record.connection +
      "' no longer leases its logins (mode \"dynamic\" or \"vault\"); drop the user or "
      "revoke Vault's lease by hand, or configure the connection as it was");
  if (auto found = issuers_.find(record.connection); found != issuers_.end()) {
    revoked = found->second->Revoke(record);
  }
  if (revoked.ok()) {
    (void)manager_.DeleteLease(record.lease_id);
    (void)Audit(security::LeaseEvent::kRevoked, record, "ok", why);
    std::lock_guard lock(mu_);
    retrying_.erase(record.lease_id);
    return;
  }
  record.revoke_attempts += 1;
  const seconds wait = RetryDelay(record.revoke_attempts);
  record.next_attempt_at = ToUnixSeconds(clock_() + wait);
  record.last_error = security::BoundedRecordText(revoked.message());
  (void)manager_.PutLease(record);
  (void)Audit(security::LeaseEvent::kRevokeFailed, record, "failed", revoked.message());
  runtime::LogWarn("revoking lease {} (user {} of connection '{}') failed, retrying in {} s: {}",
                   record.lease_id, record.user_name, record.connection, wait.count(),
                   revoked.message());
  std::lock_guard lock(mu_);
  retrying_.insert_or_assign(record.lease_id, std::move(record));
}

void LeaseManager::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const TimePoint now = clock_();
    ExpireDue(now);
    RenewDue(now);
    RetryDue(now);
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, stop, kLeaseTick, [] { return false; });
  }
}

void LeaseManager::ExpireDue(TimePoint now) {
  std::vector<std::string> expired;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, live] : live_) {
      if (FromUnixSeconds(live.record.expires_at) <= now) expired.push_back(id);
    }
  }
  for (const std::string& id : expired) End(id, "expired");
}

void LeaseManager::RenewDue(TimePoint now) {
  std::vector<std::pair<security::LeaseRecord, std::chrono::seconds>> due;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, live] : live_) {
      const bool short_of_time = FromUnixSeconds(live.record.expires_at) - now < live.length / 3;
      const bool can_grow = live.record.expires_at < live.record.max_expires_at;
      if (live.used_since_renewal && short_of_time && can_grow) {
        live.used_since_renewal = false;
        due.emplace_back(live.record, live.length);
      }
    }
  }
  for (auto& [record, length] : due) {
    StatusOr<LeaseTerm> renewed =
        issuers_.find(record.connection)->second->Renew(record, now, length);
    if (!renewed.ok()) {
      (void)Audit(security::LeaseEvent::kRenewed, record, "failed", renewed.status().message());
      if (renewed.status().code() == StatusCode::kNotFound) {
        // The login is gone: its connection cannot go on.
        runtime::LogError("lease {} of connection '{}' ends: {}", record.lease_id,
                          record.connection, renewed.status().message());
        End(record.lease_id, "renewal found the login gone: " + renewed.status().message());
      }
      // Otherwise it keeps its old expiry and ends then; renewal is a favour.
      continue;
    }
    record.expires_at = ToUnixSeconds(renewed->expires_at);
    record.max_expires_at = ToUnixSeconds(renewed->max_expires_at);
    std::lock_guard lock(mu_);
    auto it = live_.find(record.lease_id);
    if (it == live_.end()) continue;  // ended meanwhile
    it->second.record.expires_at = record.expires_at;
    it->second.record.max_expires_at = record.max_expires_at;
    it->second.length = renewed->length;
    (void)manager_.PutLease(record);
    (void)Audit(security::LeaseEvent::kRenewed, record, "ok", "");
  }
}

void LeaseManager::RetryDue(TimePoint now) {
  std::vector<security::LeaseRecord> due;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, record] : retrying_) {
      if (FromUnixSeconds(record.next_attempt_at) <= now) due.push_back(record);
    }
  }
  for (security::LeaseRecord& record : due) Revoke(std::move(record), "retry");
}

void LeaseManager::Shutdown() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    for (const auto& [id, live] : live_) ids.push_back(id);
  }
  if (worker_.joinable()) {
    worker_.request_stop();
    worker_.join();
  }
  for (const std::string& id : ids) End(id, "the host shut down");
}

std::optional<TimePoint> LeaseManager::ExpiresAt(const std::string& lease_id) const {
  std::lock_guard lock(mu_);
  auto it = live_.find(lease_id);
  if (it == live_.end()) return std::nullopt;
  return FromUnixSeconds(it->second.record.expires_at);
}

Status LeaseManager::Audit(security::LeaseEvent event, const security::LeaseRecord& record,
                           std::string_view outcome, std::string_view reason) {
  return manager_.AuditLease(event, record, outcome, reason);
}

}  // namespace aurite::host
