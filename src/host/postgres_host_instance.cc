// Telling running gateways from ended ones by advisory locks on the shared
// store's server (postgres_host_instance.h).
#include "host/postgres_host_instance.h"

#include <array>

#include "base/text.h"
#include "crypto/random.h"

namespace aurite::host {
namespace {

// The first key of every host lock ("AURI"), so they cannot meet the
// advisory locks of other applications on the same server.
constexpr std::string_view kLockSpace = "1096110665";

std::string LockCall(std::string_view function) {
  return "SELECT " + std::string(function) + "(" + std::string(kLockSpace) + ", hashtext($1))";
}

}  // namespace

PostgresHostInstance::PostgresHostInstance(PostgresLink link, std::string id)
    : link_(std::move(link)), id_(std::move(id)) {}

StatusOr<std::unique_ptr<PostgresHostInstance>> PostgresHostInstance::Claim(
    const sql::ConnectionConfig& config) {
  std::array<unsigned char, 16> bytes{};
  crypto::FillRandom(bytes);
  auto instance =
      std::make_unique<PostgresHostInstance>(PostgresLink(config.Clone()), HexEncode(bytes));
  std::lock_guard<std::mutex> lock(instance->mutex_);
  AURITE_ASSIGN_OR_RETURN(bool taken, instance->TryLock(instance->id_));
  if (!taken) return UnavailableError("the lock of a new host instance id is taken");
  instance->held_.insert(instance->id_);
  instance->backend_ = instance->link_.BackendPid();
  return instance;
}

StatusOr<bool> PostgresHostInstance::TryLock(std::string_view id) const {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          link_.Run(LockCall("pg_try_advisory_lock"), {std::string(id)},
                                    "cannot take a host lock", /*retry=*/false));
  return PgField(result.get(), 0, 0) == "t";
}

Status PostgresHostInstance::Relock() const {
  AURITE_RETURN_IF_ERROR(link_.Connect());
  if (link_.BackendPid() == backend_) return OkStatus();
  for (const std::string& id : held_) {
    AURITE_ASSIGN_OR_RETURN(bool taken, TryLock(id));
    if (!taken) {
      return UnavailableError("the lock of host instance " + id +
                              " was taken by another gateway while the store was away");
    }
  }
  backend_ = link_.BackendPid();
  return OkStatus();
}

bool PostgresHostInstance::IsRunning(std::string_view id) const {
  if (!IsHostInstanceId(id)) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  if (held_.contains(id)) return id == id_;  // a gateway we took over is gone
  // A session's advisory locks are re-entrant: ask only with our locks
  // back in place, or a lock we lost could look free.
  if (!Relock().ok()) return true;
  StatusOr<bool> taken = TryLock(id);
  if (!taken.ok()) return true;
  if (*taken) held_.insert(std::string(id));
  return !*taken;
}

}  // namespace aurite::host
