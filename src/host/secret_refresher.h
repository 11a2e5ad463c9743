// SecretRefresher: keeps the connection strings whose secret references ask
// for it (refresh=, secret_reference.h) as fresh as their stores.
//
// Contract:
//  - Add() takes a connection's expanded connection string (its last good
//    value, read now) and how to read it again.
//  - Current() is the connection string new connections use: the last good
//    value; kUnavailable, naming the references and the last error, once
//    max_age has passed since the last good read.
//  - RefreshDue(now) reads again every value whose interval has passed
//    since its last attempt. A value that changed replaces the last good
//    one and is audited "secret_refreshed"; a read that fails keeps the last
//    good value, is audited "secret_refresh_failed" and logged as a warning
//    (with the store's error, which names the reference and the store,
//    never a value); the first refresh due after max_age without a good
//    read is audited "secret_expired" and logged as an error. An unchanged
//    value is not audited. Values are compared in constant time.
//  - Start() runs RefreshDue from a background thread until Stop() (or
//    destruction); reads run outside the lock, one after another.
//  - Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "host/secret_reference.h"
#include "security/security_manager.h"

namespace aurite::host {

class SecretRefresher {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit SecretRefresher(security::SecurityManager& manager,
                           Clock clock = std::chrono::system_clock::now);
  ~SecretRefresher();
  SecretRefresher(const SecretRefresher&) = delete;
  SecretRefresher& operator=(const SecretRefresher&) = delete;

  // `connection` names the value in messages and the audit log.
  void Add(std::string connection, crypto::SecretBuffer value, const SecretRefresh& refresh);

  // kNotFound for a connection never added.
  StatusOr<crypto::SecretBuffer> Current(std::string_view connection) const;

  void RefreshDue(std::chrono::system_clock::time_point now);

  void Start();
  void Stop();

 private:
  struct Value {
    crypto::SecretBuffer current;
    SecretRefresh refresh;
    std::chrono::system_clock::time_point last_good;
    std::chrono::system_clock::time_point last_attempt;
    std::string last_error;  // of the last failed read; empty after a good one
    bool expired = false;
  };

  // Records the outcome of one read of `connection`.
  void Settle(const std::string& connection, StatusOr<crypto::SecretBuffer> read,
              std::chrono::system_clock::time_point now);

  security::SecurityManager& manager_;
  const Clock clock_;
  mutable std::mutex mu_;
  std::condition_variable_any wake_;
  std::map<std::string, Value, std::less<>> values_;
  std::jthread worker_;
};

}  // namespace aurite::host
