// Telling running hosts from ended ones by flock(2) (host_instance.h).
#include "host/host_instance.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/text.h"
#include "crypto/random.h"

namespace aurite::host {
bool IsHostInstanceId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (HexDigitValue(c) < 0) return false;
  }
  return true;
}

StatusOr<std::unique_ptr<HostInstance>> HostInstance::Claim(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return UnavailableError("cannot make the host instance folder " + dir.string() + ": " +
                            error.message());
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
  std::array<unsigned char, 16> bytes{};
  crypto::FillRandom(bytes);
  std::string id = HexEncode(bytes);
  const std::filesystem::path file = dir / (id + ".lock");
  UniqueFd lock(::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!lock.valid() || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    return UnavailableError("cannot lock " + file.string() + ": " + std::strerror(errno));
  }
  return std::unique_ptr<HostInstance>(
      std::make_unique<FileHostInstance>(dir, std::move(id), std::move(lock)));
}

FileHostInstance::~FileHostInstance() {
  std::error_code ignored;
  std::filesystem::remove(LockFile(id_), ignored);
}

std::filesystem::path FileHostInstance::LockFile(std::string_view id) const {
  return dir_ / (std::string(id) + ".lock");
}

bool FileHostInstance::IsRunning(std::string_view id) const {
  if (!IsHostInstanceId(id)) return false;
  if (id == id_) return true;
  UniqueFd probe(::open(LockFile(id).c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (!probe.valid()) return false;
  if (::flock(probe.get(), LOCK_EX | LOCK_NB) == 0) return false;  // released on close
  return errno == EWOULDBLOCK;
}

void FileHostInstance::Forget(std::string_view id) const {
  if (!IsHostInstanceId(id) || IsRunning(id)) return;
  std::error_code ignored;
  std::filesystem::remove(LockFile(id), ignored);
}

}  // namespace aurite::host
