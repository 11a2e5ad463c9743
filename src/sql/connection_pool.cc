// ConnectionPool: bounded, lazily opened connections with idle reaping.
#include "sql/connection_pool.h"

#include <fmt/format.h>

#include <algorithm>

namespace aurite::sql {

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::move(other.connection_)),
      exceptions_(other.exceptions_) {}

ConnectionPool::Lease::~Lease() {
  if (!connection_) return;
  if (std::uncaught_exceptions() > exceptions_) {
    pool_->Discard(std::move(connection_));
  } else {
    pool_->Release(std::move(connection_));
  }
}

ConnectionPool::ConnectionPool(ConnectionConfig config, PoolOptions options)
    : config_(std::move(config)), options_(options), reaper_([this] { ReapIdle(); }) {}

ConnectionPool::~ConnectionPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  reaper_wake_.notify_all();
  reaper_.join();
}

StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(const FreshConfig& fresh) {
  std::unique_lock lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  for (;;) {
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back().connection);
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    if (open_ < options_.max_open) break;
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.max_open) {
      return ResourceExhaustedError(
          fmt::format("all {} database connections are busy; try again later", options_.max_open));
    }
  }
  ++open_;
  const bool use_fresh = fresh && opened_first_;
  opened_first_ = true;
  lock.unlock();
  StatusOr<std::unique_ptr<Connection>> opened = [&]() -> StatusOr<std::unique_ptr<Connection>> {
    if (!use_fresh) return OpenConnection(config_, options_.open);
    AURITE_ASSIGN_OR_RETURN(ConnectionConfig config, fresh());
    if (config.engine != config_.engine) {
      return FailedPreconditionError("the connection's login now names another kind of database");
    }
    return OpenConnection(config, options_.open);
  }();
  if (!opened.ok()) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
  std::vector<Idle> closing;
  {
    std::lock_guard lock(mutex_);
    if (connection->IsUsable()) {
      idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
    } else {
      --open_;
      open_ -= idle_.size();
      closing.swap(idle_);
    }
  }
  returned_.notify_all();
  // `connection` and `closing` close here, outside the lock.
}

void ConnectionPool::Discard(std::unique_ptr<Connection> connection) {
  // Closed before its slot is freed (never more than max_open sessions),
  // outside the lock.
  connection.reset();
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  returned_.notify_all();
}

void ConnectionPool::ReapIdle() {
  auto period = std::max(options_.idle_timeout / 4, std::chrono::milliseconds(10));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    reaper_wake_.wait_for(lock, period);
    auto cutoff = std::chrono::steady_clock::now() - options_.idle_timeout;
    auto expired = std::partition(idle_.begin(), idle_.end(),
                                  [&](const Idle& idle) { return idle.since > cutoff; });
    std::vector<Idle> closing(std::make_move_iterator(expired),
                              std::make_move_iterator(idle_.end()));
    idle_.erase(expired, idle_.end());
    open_ -= closing.size();
    if (closing.empty()) continue;
    lock.unlock();
    closing.clear();
    returned_.notify_all();
    lock.lock();
  }
  idle_.clear();
}

std::size_t ConnectionPool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace aurite::sql
