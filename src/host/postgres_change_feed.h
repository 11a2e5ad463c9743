// PostgresChangeFeed: how a gateway learns, within a second, that another
// gateway changed the shared credential store (postgres_store.h).
//
// A thread keeps its own connection to the store's server and LISTENs on
// the channel the store's trigger notifies on every insert, delete or
// truncate of credentials (from any process, even psql). Each notification
// from another server process moves Version(); so does every reconnection
// (notifications sent while the feed was away are lost) and a timer every
// `reconcile_every`, so that a lost notification costs at most that long.
//
// While the feed has no connection, Version() is an error: the store
// cannot say what was revoked, and the caller refuses tokens (fail
// closed). The thread reconnects every `retry_every` until it succeeds.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "host/postgres_link.h"

namespace aurite::host {

inline constexpr std::string_view kStoreChangeChannel = "aurite_store_changes";

struct ChangeFeedTiming {
  std::chrono::milliseconds retry_every{250};
  std::chrono::milliseconds reconcile_every{5000};
};

class PostgresChangeFeed {
 public:
  // Connects and listens before it returns, so no change made after Start()
  // returns is missed. Errors: the store cannot be reached.
  static StatusOr<std::unique_ptr<PostgresChangeFeed>> Start(const sql::ConnectionConfig& config,
                                                             ChangeFeedTiming timing = {});
  ~PostgresChangeFeed();

  // The change counter, or Unavailable (naming the store and why) while the
  // feed has no connection.
  StatusOr<std::int64_t> Version() const;

  // The server process whose notifications are this gateway's own writes
  // (the store's data connection): they do not move Version().
  void SetOwnBackend(int pid) { own_backend_.store(pid); }

  // Use Start().
  PostgresChangeFeed(PostgresLink link, ChangeFeedTiming timing);

 private:
  Status Listen();
  void Run(std::stop_token stop);
  // Reads what arrived; false when the connection is gone.
  bool Drain();
  void SetDown(std::string why);

  PostgresLink link_;
  ChangeFeedTiming timing_;
  std::atomic<std::int64_t> version_{0};
  std::atomic<int> own_backend_{0};
  std::atomic<bool> up_{false};
  mutable std::mutex down_mutex_;
  std::string down_reason_;  // why the feed is down; guarded by down_mutex_
  std::jthread thread_;
};

}  // namespace aurite::host
