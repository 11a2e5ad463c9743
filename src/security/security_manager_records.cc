// The SecurityManager's leases and rotations: in the store when there is
// one, else in memory (their audit records: security_manager_audit.cc).
#include "security/security_manager.h"

namespace aurite::security {
namespace {

LeaseRecord CopyOf(const LeaseRecord& lease) { return lease; }
RotationRecord CopyOf(const RotationRecord& rotation) { return rotation.Clone(); }

template <typename Record, typename Map>
StatusOr<std::optional<Record>> FindIn(const Map& records, std::string_view key) {
  auto it = records.find(key);
  if (it == records.end()) return std::optional<Record>();
  return std::optional<Record>(CopyOf(it->second));
}

template <typename Record, typename Map>
StatusOr<RecordList<Record>> ListOf(const Map& records) {
  RecordList<Record> list;
  for (const auto& [key, record] : records) list.records.push_back(CopyOf(record));
  return list;
}

}  // namespace

Status SecurityManager::PutLease(const LeaseRecord& lease) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->PutLease(lease);
  AURITE_RETURN_IF_ERROR(ValidateLease(lease));
  leases_.insert_or_assign(lease.lease_id, lease);
  return OkStatus();
}

Status SecurityManager::DeleteLease(std::string_view lease_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->DeleteLease(lease_id);
  if (auto it = leases_.find(lease_id); it != leases_.end()) leases_.erase(it);
  return OkStatus();
}

StatusOr<std::optional<LeaseRecord>> SecurityManager::GetLease(std::string_view lease_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->GetLease(lease_id);
  return FindIn<LeaseRecord>(leases_, lease_id);
}

StatusOr<RecordList<LeaseRecord>> SecurityManager::ListLeases() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->ListLeases();
  return ListOf<LeaseRecord>(leases_);
}

Status SecurityManager::PutRotation(const RotationRecord& rotation) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->PutRotation(rotation);
  AURITE_RETURN_IF_ERROR(ValidateRotation(rotation));
  rotations_.insert_or_assign(rotation.connection, rotation.Clone());
  return OkStatus();
}

Status SecurityManager::DeleteRotation(std::string_view connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->DeleteRotation(connection);
  if (auto it = rotations_.find(connection); it != rotations_.end()) rotations_.erase(it);
  return OkStatus();
}

StatusOr<std::optional<RotationRecord>> SecurityManager::GetRotation(std::string_view connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->GetRotation(connection);
  return FindIn<RotationRecord>(rotations_, connection);
}

StatusOr<RecordList<RotationRecord>> SecurityManager::ListRotations() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) return store_->ListRotations();
  return ListOf<RotationRecord>(rotations_);
}

}  // namespace aurite::security
