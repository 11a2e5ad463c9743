// Rotating the passwords of static database users (password_rotator.h):
// the pending-before-ALTER protocol, settling after a crash, the period
// timer and the cross-process lock.
#include "host/password_rotator.h"

#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <variant>

#include "base/unique_fd.h"
#include "credentials/generated_login.h"
#include "host/admin_session.h"
#include "host/made_logins.h"
#include "runtime/log.h"

namespace aurite::host {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::chrono::milliseconds kRotationTick{1000};

// An exclusive flock(2) on a file for as long as it lives: one rotation at a
// time among every process of the store.
class RotationLock {
 public:
  static StatusOr<RotationLock> Take(const std::filesystem::path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
      return UnavailableError("cannot open the rotation lock " + file.string() + ": " +
                              std::strerror(errno));
    }
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) {
        return UnavailableError("cannot lock " + file.string() + ": " + std::strerror(errno));
      }
    }
    return RotationLock(std::move(fd));
  }

 private:
  explicit RotationLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace

struct PasswordRotator::Connection {
  Connection(const ConnectionConfig& connection, const credentials::RotatedCredentials& made)
      : config(&connection), rotated(&made), admin(made.admin, "") {}
  const ConnectionConfig* config;
  const credentials::RotatedCredentials* rotated;
  std::mutex rotating;  // one rotation of this connection at a time in this process
  AdminSession admin;
  // Retry state, under PasswordRotator::mu_.
  TimePoint next_try{};
  std::uint32_t failures = 0;
  std::string last_error;

  std::string Where() const { return "connections." + config->name + ".credentials"; }
};

PasswordRotator::PasswordRotator(security::SecurityManager& manager,
                                 std::filesystem::path lock_file,
                                 const std::vector<ConnectionConfig>& connections, Clock clock)
    : manager_(manager), lock_file_(std::move(lock_file)), clock_(std::move(clock)) {
  for (const auto& [connection, rotated] :
       ConnectionsOfMode<credentials::RotatedCredentials>(connections)) {
    connections_.emplace(connection->name, std::make_unique<Connection>(*connection, *rotated));
  }
}

PasswordRotator::~PasswordRotator() { Shutdown(); }

bool PasswordRotator::IsRotated(std::string_view connection) const {
  return connections_.find(connection) != connections_.end();
}

void PasswordRotator::Start() {
  RotateDue();
  worker_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

void PasswordRotator::Shutdown() {
  if (worker_.joinable()) {
    worker_.request_stop();
    worker_.join();
  }
}

Status PasswordRotator::Rotate(std::string_view name) {
  auto found = connections_.find(name);
  if (found == connections_.end()) {
    return NotFoundError("connection '" + std::string(name) +
                         "' is not configured with \"credentials\": {\"mode\": \"rotate\"}");
  }
  return RotateLocked(*found->second, When::kNow);
}

Status PasswordRotator::RotateLocked(Connection& connection, When when) {
  std::lock_guard rotating(connection.rotating);
  AURITE_ASSIGN_OR_RETURN(RotationLock lock, RotationLock::Take(lock_file_));
  const std::string& name = connection.config->name;
  const std::string& user = connection.rotated->username;
  AURITE_ASSIGN_OR_RETURN(std::optional<security::RotationRecord> stored,
                          manager_.GetRotation(name));
  // A record of another user (the configuration changed) is not this one's.
  if (stored && stored->username != user) stored.reset();
  const TimePoint now = clock_();
  security::RotationRecord record;
  if (stored) record = std::move(*stored);
  record.connection = name;
  record.username = user;

  crypto::SecretBuffer password;
  security::RotationEvent event = security::RotationEvent::kRotated;
  if (record.pending_password) {
    // Whether or not the interrupted ALTER took effect, setting the pending
    // password again makes it the user's.
    password = record.pending_password->Clone();
    event = security::RotationEvent::kSettled;
  } else {
    const bool due = record.rotated_at == 0 || now >= FromUnixSeconds(record.rotated_at) +
                                                          connection.rotated->rotation_period;
    if (when == When::kIfDue && !due) return OkStatus();  // another process rotated it
    password = credentials::NewPassword();
    record.pending_password = password.Clone();
    record.pending_since = ToUnixSeconds(now);
    if (Status put = manager_.PutRotation(record); !put.ok()) {
      return Status(put.code(),
                    connection.Where() +
                        ": the new password cannot be stored, so it is not set: " + put.message());
    }
    manager_.AuditRotation(security::RotationEvent::kPending, name, user);
  }

  const Status set = connection.admin.Run([&](credentials::DatabaseAdmin& admin) {
    return admin.SetPassword(user, password, connection.rotated->rotation_statements);
  });
  if (!set.ok()) {
    manager_.AuditRotation(event, name, user, "failed", set.message());
    return Status(set.code(), connection.Where() + ": the password of user '" + user +
                                  "' could not be set: " + set.message());
  }
  record.current_password = std::move(password);
  record.pending_password.reset();
  record.pending_since = 0;
  record.rotated_at = ToUnixSeconds(now);
  if (Status put = manager_.PutRotation(record); !put.ok()) {
    // The pending password stays stored: the next settling sets it again.
    manager_.AuditRotation(event, name, user, "failed", put.message());
    return Status(put.code(), connection.Where() +
                                  ": the password was set but cannot be stored "
                                  "as current; it is settled next time: " +
                                  put.message());
  }
  manager_.AuditRotation(event, name, user);
  return OkStatus();
}

void PasswordRotator::RotateDue() {
  for (auto& [name, connection] : connections_) {
    const TimePoint now = clock_();
    {
      std::lock_guard lock(mu_);
      if (now < connection->next_try) continue;
    }
    Status status = RotateLocked(*connection, When::kIfDue);
    std::lock_guard lock(mu_);
    if (status.ok()) {
      connection->failures = 0;
      connection->next_try = now + kRotationTick;
      connection->last_error.clear();
      continue;
    }
    connection->failures += 1;
    const seconds wait = RetryDelay(connection->failures);
    connection->next_try = now + wait;
    connection->last_error = status.message();
    runtime::LogWarn("{}; retrying in {} s", status.message(), wait.count());
  }
}

void PasswordRotator::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, stop, kRotationTick, [] { return false; });
    }
    if (stop.stop_requested()) return;
    RotateDue();
  }
}

StatusOr<crypto::SecretBuffer> PasswordRotator::ConnectionString(std::string_view name) {
  auto found = connections_.find(name);
  if (found == connections_.end()) {
    return NotFoundError("connection '" + std::string(name) + "' does not rotate its password");
  }
  Connection& connection = *found->second;
  AURITE_ASSIGN_OR_RETURN(std::optional<security::RotationRecord> record,
                          manager_.GetRotation(name));
  if (!record || record->username != connection.rotated->username ||
      record->current_password.empty()) {
    std::string why;
    {
      std::lock_guard lock(mu_);
      why = connection.last_error;
    }
    return FailedPreconditionError(
        connection.Where() + ": the host has not set the password of user '" +
        connection.rotated->username + "' yet" + (why.empty() ? "" : " (" + why + ")") +
        "; it keeps trying, and `aurite credentials rotate " + connection.config->name +
        "` tries at once");
  }
  return credentials::LoginConnectionString(connection.config->connection_string.Reveal(),
                                            record->username, record->current_password);
}

}  // namespace aurite::host
