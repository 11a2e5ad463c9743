// HostInstance: this host process among the hosts that share one store, and
// whether the host that wrote a lease still runs.
//
// Leases (database users the host made) are revoked at start-up when the
// host that made them is gone; a second gateway on the same store must not
// drop the users of a first one that still serves. Each running host holds
// an exclusive flock(2) on `<dir>/<id>.lock` for its whole life; the kernel
// lets go of it when the process ends in any way, kill -9 included, so
// "can the lock be taken" answers "is that host gone" without heartbeats or
// clocks.
//
// Contract:
//  - Claim() makes `dir` (mode 0700) if needed, picks a random 128-bit id
//    and locks its file; the lock is held until the object is destroyed.
//  - IsRunning(id) is true while some process holds the lock of `id`
//    (ourselves included), false when its file is missing or unlocked. An
//    id that is not 32 hex digits is never running (and never a path).
//  - Forget(id) removes the lock file of a host that is not running; a
//    running one's is left alone.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/unique_fd.h"

namespace aurite::host {

class HostInstance {
 public:
  // A host on a store file: lock files in `dir` (FileHostInstance).
  static StatusOr<std::unique_ptr<HostInstance>> Claim(const std::filesystem::path& dir);

  virtual ~HostInstance() = default;

  virtual const std::string& id() const = 0;
  virtual bool IsRunning(std::string_view id) const = 0;
  virtual void Forget(std::string_view id) const = 0;
};

// True when `id` has the form of a host instance id (32 hex digits).
bool IsHostInstanceId(std::string_view id);

class FileHostInstance final : public HostInstance {
 public:
  FileHostInstance(std::filesystem::path dir, std::string id, UniqueFd lock)
      : dir_(std::move(dir)), id_(std::move(id)), lock_(std::move(lock)) {}
  ~FileHostInstance() override;
  FileHostInstance(const FileHostInstance&) = delete;
  FileHostInstance& operator=(const FileHostInstance&) = delete;

  const std::string& id() const override { return id_; }
  bool IsRunning(std::string_view id) const override;
  void Forget(std::string_view id) const override;

 private:
  std::filesystem::path LockFile(std::string_view id) const;

  std::filesystem::path dir_;
  std::string id_;
  UniqueFd lock_;
};

}  // namespace aurite::host
