// ConnectionPool: the connections of one connection id, shared by concurrent callers.
//
// Contract:
//  - Acquire() hands out an idle connection, or opens a new one while fewer
//    than max_open are open, or waits up to acquire_timeout for one to be
//    returned (then kResourceExhausted). Connections open outside the lock,
//    so callers never serialize on one socket or on each other's connects.
//  - A Lease returns its connection when destroyed. A connection that lost
//    its server is closed instead, together with the idle ones (they are
//    likely gone too), so the next Acquire() reconnects. A lease destroyed
//    by an exception (e.g. std::bad_alloc in the middle of a result) closes
//    its connection only: its session may be anywhere in a protocol exchange.
//  - Idle connections are closed after idle_timeout by a background thread.
//  - Thread-safe. Every Lease must be destroyed before the pool.
//  - The pool keeps its own copy of the config (password in a SecretBuffer)
//    to reconnect; it is wiped when the pool is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"
#include "sql/connection.h"

namespace aurite::sql {

struct PoolOptions {
  OpenOptions open;
  std::size_t max_open = 4;
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds acquire_timeout{30000};
};

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    Connection* operator->() const { return connection_.get(); }
    Connection& operator*() const { return *connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool),
          connection_(std::move(connection)),
          exceptions_(std::uncaught_exceptions()) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    // Exceptions in flight when the lease was made; more at destruction
    // means an exception is unwinding through the lease's owner.
    int exceptions_;
  };

  ConnectionPool(ConnectionConfig config, PoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Where a connection other than the pool's first gets its config: a login
  // made for one connection (an RDS IAM token, a command's output, a rotated
  // password) must be made again, not replayed from the first one's.
  using FreshConfig = std::function<StatusOr<ConnectionConfig>()>;

  // See above. With `fresh`, a connection this call must open, unless it is
  // the pool's first, is opened with what `fresh` returns (called outside
  // the lock); its error is this call's, and the pool stays as it was.
  StatusOr<Lease> Acquire(const FreshConfig& fresh = {});
  std::size_t open_count() const;
  std::size_t idle_count() const;
  Engine engine() const { return config_.engine; }

 private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };

  void Release(std::unique_ptr<Connection> connection);
  void Discard(std::unique_ptr<Connection> connection);
  void ReapIdle();

  const ConnectionConfig config_;
  const PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::condition_variable reaper_wake_;
  std::vector<Idle> idle_;
  std::size_t open_ = 0;
  bool opened_first_ = false;  // the first connection was opened (from config_)
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace aurite::sql
