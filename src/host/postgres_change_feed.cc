// The shared store's change feed: LISTEN on its own connection
// (postgres_change_feed.h).
#include "host/postgres_change_feed.h"

#include <poll.h>

namespace aurite::host {

PostgresChangeFeed::PostgresChangeFeed(PostgresLink link, ChangeFeedTiming timing)
    : link_(std::move(link)), timing_(timing) {}

StatusOr<std::unique_ptr<PostgresChangeFeed>> PostgresChangeFeed::Start(
    const sql::ConnectionConfig& config, ChangeFeedTiming timing) {
  auto feed = std::make_unique<PostgresChangeFeed>(PostgresLink(config.Clone()), timing);
  AURITE_RETURN_IF_ERROR(feed->Listen());
  feed->thread_ = std::jthread([raw = feed.get()](std::stop_token stop) { raw->Run(stop); });
  return feed;
}

PostgresChangeFeed::~PostgresChangeFeed() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

Status PostgresChangeFeed::Listen() {
  AURITE_RETURN_IF_ERROR(link_.Execute("LISTEN " + std::string(kStoreChangeChannel),
                                       "cannot listen for changes of the store"));
  // Whatever happened while the feed was away is unknown: look again.
  version_.fetch_add(1);
  up_.store(true);
  return OkStatus();
}

StatusOr<std::int64_t> PostgresChangeFeed::Version() const {
  if (up_.load()) return version_.load();
  std::lock_guard<std::mutex> lock(down_mutex_);
  return UnavailableError(down_reason_);
}

void PostgresChangeFeed::SetDown(std::string why) {
  {
    std::lock_guard<std::mutex> lock(down_mutex_);
    down_reason_ = std::move(why);
  }
  up_.store(false);
  link_.Close();
}

bool PostgresChangeFeed::Drain() {
  PGconn* conn = link_.connection();
  if (conn == nullptr || sql::Pq().PQconsumeInput(conn) == 0 ||
      sql::Pq().PQstatus(conn) != CONNECTION_OK) {
    return false;
  }
  const int own = own_backend_.load();
  while (PGnotify* notice = sql::Pq().PQnotifies(conn)) {
    if (notice->be_pid != own) version_.fetch_add(1);
    sql::Pq().PQfreemem(notice);
  }
  return true;
}

void PostgresChangeFeed::Run(std::stop_token stop) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point next_reconcile = Clock::now() + timing_.reconcile_every;
  constexpr int kPollMs = 100;  // how soon a stop request is seen
  while (!stop.stop_requested()) {
    if (!up_.load()) {
      Status listening = Listen();
      if (!listening.ok()) {
        SetDown(listening.message());
        std::this_thread::sleep_for(timing_.retry_every);
      }
      continue;
    }
    pollfd watched{sql::Pq().PQsocket(link_.connection()), POLLIN, 0};
    if (::poll(&watched, 1, kPollMs) < 0 && errno != EINTR) {
      SetDown(link_.Describe() + ": the change feed cannot wait on its connection");
      continue;
    }
    if (!Drain()) {
      SetDown(link_.Describe() +
              ": lost the connection that watches for revocations; reconnecting");
      continue;
    }
    if (Clock::now() >= next_reconcile) {
      version_.fetch_add(1);
      next_reconcile = Clock::now() + timing_.reconcile_every;
    }
  }
}

}  // namespace aurite::host
