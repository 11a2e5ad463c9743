// PasswordRotator: the passwords of existing database users that the host
// owns and changes ("credentials": {"mode": "rotate"}), as Vault's static
// roles do, built into the host.
//
// Contract:
//  - The store keeps each user's current password (security::RotationRecord)
//    and nothing older. ConnectionString() reads it at every call, so every
//    gateway sharing the store and `aurite credentials rotate` agree on it.
//  - Rotate() makes a new password, stores it as pending, sets it with the
//    admin login (ALTER ROLE / ALTER USER; open sessions stay up), then
//    stores it as current. A crash or a failed ALTER leaves the pending
//    password in the store; settling runs the ALTER with it again, which is
//    right whether or not the first ALTER took effect. Rotations of one store
//    are serialised across processes by an flock on `lock_file`, and a user
//    rotated by another process meanwhile is not rotated twice.
//  - Start() settles what is pending and sets the password of each user the
//    host has none for yet, then starts a thread that rotates each user every
//    rotation_period and retries failures (1 s, doubling, at most 5 min
//    apart). Failures are logged and audited; until a password is set, the
//    connection's logins fail with the reason (fail closed), never with an
//    old guess.
//  - Every step is audited with the connection and the user name, never a
//    password. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "host/config.h"
#include "security/security_manager.h"

namespace aurite::host {

class PasswordRotator {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `connections` are the configured ones; those with mode "rotate" are
  // rotated. `manager` must have a persistent store.
  PasswordRotator(security::SecurityManager& manager, std::filesystem::path lock_file,
                  const std::vector<ConnectionConfig>& connections,
                  Clock clock = std::chrono::system_clock::now);
  ~PasswordRotator();
  PasswordRotator(const PasswordRotator&) = delete;
  PasswordRotator& operator=(const PasswordRotator&) = delete;

  // True when `connection` is configured with mode "rotate".
  bool IsRotated(std::string_view connection) const;

  // Settles and sets passwords (see above), then starts the thread.
  void Start();
  // Stops the thread; a rotation under way finishes first.
  void Shutdown();

  // Rotates `connection`'s password now, whatever its period says.
  // NotFound for a connection without mode "rotate".
  Status Rotate(std::string_view connection);

  // The connection string with the user and its current password.
  // FailedPrecondition while the host has no password for it.
  StatusOr<crypto::SecretBuffer> ConnectionString(std::string_view connection);

 private:
  struct Connection;
  enum class When { kNow, kIfDue };
  // Under the store's rotation lock: settles a pending password, or (when
  // `when` allows) sets a new one.
  Status RotateLocked(Connection& connection, When when);
  void Run(std::stop_token stop);
  // One pass over every connection: what is due or failed earlier and
  // whose retry time has come. Returns nothing; failures are recorded.
  void RotateDue();

  security::SecurityManager& manager_;
  const std::filesystem::path lock_file_;
  const Clock clock_;
  std::map<std::string, std::unique_ptr<Connection>, std::less<>> connections_;

  std::mutex mu_;  // guards the retry state in Connection
  std::condition_variable_any wake_;
  std::jthread worker_;
};

}  // namespace aurite::host
