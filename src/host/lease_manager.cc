// Dynamic database users as leases (lease_manager.h): making, renewing,
// expiring and revoking them, and settling what a crashed run left.
#include "host/lease_manager.h"

#include <algorithm>
#include <set>
#include <variant>

#include "credentials/generated_login.h"
#include "host/admin_session.h"
#include "host/made_logins.h"
#include "runtime/log.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::chrono::milliseconds kTick{250};

}  // namespace

struct LeaseManager::Connection {
  Connection(const ConnectionConfig& connection, const credentials::DynamicCredentials& made)
      : config(&connection),
        dynamic(&made),
        admin(made.admin, "connections." + connection.name + ".credentials.admin") {}
  const ConnectionConfig* config;
  const credentials::DynamicCredentials* dynamic;
  AdminSession admin;
};

struct LeaseManager::Live {
  security::LeaseRecord record;
  bool used_since_renewal = false;
};

LeaseManager::LeaseManager(security::SecurityManager& manager, const HostInstance& instance,
                           const std::vector<ConnectionConfig>& connections, Clock clock)
    : manager_(manager), instance_(instance), clock_(std::move(clock)) {
  for (const auto& [connection, dynamic] :
       ConnectionsOfMode<credentials::DynamicCredentials>(connections)) {
    connections_.emplace(connection->name, std::make_unique<Connection>(*connection, *dynamic));
  }
}

LeaseManager::~LeaseManager() { Shutdown(); }

bool LeaseManager::IsDynamic(std::string_view connection) const {
  return connections_.find(connection) != connections_.end();
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
  auto found = connections_.find(connection_name);
  if (found == connections_.end()) {
    return NotFoundError("connection '" + std::string(connection_name) +
                         "' does not make dynamic users");
  }
  Connection& connection = *found->second;
  const ConnectionConfig& config = *connection.config;
  AURITE_ASSIGN_OR_RETURN(sql::ConnectionConfig target,
                          sql::ParseConnectionString(config.connection_string.Reveal()));
  AURITE_ASSIGN_OR_RETURN(std::string user,
                          credentials::NewDynamicUserName(target.engine, config.name));
  crypto::SecretBuffer password = credentials::NewPassword();
  AURITE_ASSIGN_OR_RETURN(
      crypto::SecretBuffer login,
      credentials::LoginConnectionString(config.connection_string.Reveal(), user, password));
  const TimePoint now = clock_();
  security::LeaseRecord record;
  record.lease_id = security::NewLeaseId();
  record.connection = config.name;
  record.engine = std::string(sql::EngineName(target.engine));
  record.user_name = user;
  record.created_at = ToUnixSeconds(now);
  record.expires_at = ToUnixSeconds(now + connection.dynamic->default_ttl);
  record.max_expires_at = ToUnixSeconds(now + connection.dynamic->max_ttl);
  record.host_instance = instance_.id();
  // The record first: a crash from here on leaves a lease the next start
  // revokes, never a user nobody knows of.
  if (Status stored = manager_.PutLease(record); !stored.ok()) {
    return Status(stored.code(),
                  "the lease cannot be recorded, so no user is made: " + stored.message());
  }
  const Status created = connection.admin.Run([&](credentials::DatabaseAdmin& admin) {
    return admin.CreateUser(user, password, FromUnixSeconds(record.expires_at),
                            connection.dynamic->grant_roles, connection.dynamic->statements);
  });
  if (!created.ok()) {
    Audit(security::LeaseEvent::kCreated, record, "failed", created.message());
    record.state = security::LeaseState::kRevoking;
    Revoke(record, "its creation failed");
    return Status(created.code(),
                  "connections." + config.name +
                      ": the database user could not be made: " + created.message());
  }
  Audit(security::LeaseEvent::kCreated, record, "ok", "");
  OpenedLease opened{record.lease_id, user, std::move(login), FromUnixSeconds(record.expires_at),
                     FromUnixSeconds(record.max_expires_at)};
  std::string lease_id = record.lease_id;  // the key, before the record is moved
  std::lock_guard lock(mu_);
  live_.emplace(std::move(lease_id), Live{std::move(record), false});
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
  Status revoked = NotFoundError("connection '" + record.connection +
                                 "' is no longer configured with dynamic users; drop the user "
                                 "by hand");
  if (auto found = connections_.find(record.connection); found != connections_.end()) {
    Connection& connection = *found->second;
    revoked = connection.admin.Run([&](credentials::DatabaseAdmin& admin) {
      return admin.RevokeUser(record.user_name, connection.dynamic->statements);
    });
  }
  if (revoked.ok()) {
    (void)manager_.DeleteLease(record.lease_id);
    Audit(security::LeaseEvent::kRevoked, record, "ok", why);
    std::lock_guard lock(mu_);
    retrying_.erase(record.lease_id);
    return;
  }
  record.revoke_attempts += 1;
  const seconds wait = RetryDelay(record.revoke_attempts);
  record.next_attempt_at = ToUnixSeconds(clock_() + wait);
  record.last_error = security::BoundedRecordText(revoked.message());
  (void)manager_.PutLease(record);
  Audit(security::LeaseEvent::kRevokeFailed, record, "failed", revoked.message());
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
    wake_.wait_for(lock, stop, kTick, [] { return false; });
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
  std::vector<security::LeaseRecord> due;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, live] : live_) {
      const auto& dynamic = *connections_.find(live.record.connection)->second->dynamic;
      const bool short_of_time =
          FromUnixSeconds(live.record.expires_at) - now < dynamic.default_ttl / 3;
      const bool can_grow = live.record.expires_at < live.record.max_expires_at;
      if (live.used_since_renewal && short_of_time && can_grow) {
        live.used_since_renewal = false;
        due.push_back(live.record);
      }
    }
  }
  for (security::LeaseRecord& record : due) {
    Connection& connection = *connections_.find(record.connection)->second;
    const std::int64_t until =
        std::min(ToUnixSeconds(now + connection.dynamic->default_ttl), record.max_expires_at);
    const Status renewed = connection.admin.Run([&](credentials::DatabaseAdmin& admin) {
      return admin.RenewUser(record.user_name, FromUnixSeconds(until),
                             connection.dynamic->statements);
    });
    if (!renewed.ok()) {
      // The lease keeps its old expiry and ends then; renewal is a favour.
      Audit(security::LeaseEvent::kRenewed, record, "failed", renewed.message());
      continue;
    }
    record.expires_at = until;
    (void)manager_.PutLease(record);
    Audit(security::LeaseEvent::kRenewed, record, "ok", "");
    std::lock_guard lock(mu_);
    if (auto it = live_.find(record.lease_id); it != live_.end()) {
      it->second.record.expires_at = until;
    }
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

void LeaseManager::Audit(security::LeaseEvent event, const security::LeaseRecord& record,
                         std::string_view outcome, std::string_view reason) {
  manager_.AuditLease(event, record, outcome, reason);
}

}  // namespace aurite::host
