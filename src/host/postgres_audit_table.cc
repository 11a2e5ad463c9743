// The shared store's audit table (postgres_audit_table.h).
#include "host/postgres_audit_table.h"

#include <unistd.h>

#include <map>

#include "base/text.h"
#include "crypto/random.h"
#include "runtime/log.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

const std::string kChainStart(64, '0');

std::string HashOf(std::string_view line) { return HexEncode(security::Sha256(line)); }

StatusOr<security::HmacSha256> StoreFingerprintKey(PostgresLink& link) {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          link.Run("SELECT value FROM aurite_meta WHERE name = 'audit_salt'", {},
                                   "cannot read the audit salt"));
  if (sql::Pq().PQntuples(result.get()) != 1) {
    return DataLossError(link.Describe() + " is damaged (its header lacks the audit salt)");
  }
  std::string_view salt = PgField(result.get(), 0, 0);
  return security::HmacSha256(std::span<const unsigned char>(
      reinterpret_cast<const unsigned char*>(salt.data()), salt.size()));
}

}  // namespace

std::string NewAuditInstanceId() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + crypto::RandomHex(4);
}

StatusOr<std::string> MirrorAuditToStore(security::AuditLog& log, std::string_view url) {
  AURITE_ASSIGN_OR_RETURN(sql::ConnectionConfig config, sql::ParseConnectionString(url));
  AURITE_ASSIGN_OR_RETURN(std::unique_ptr<PostgresAuditTable> table,
                          PostgresAuditTable::Start(config, NewAuditInstanceId()));
  std::string instance = table->instance();
  log.SetMirror(std::move(table));
  return instance;
}

PostgresAuditTable::PostgresAuditTable(PostgresLink link, std::string instance,
                                       security::HmacSha256 fingerprints, AuditTableOptions options)
    : link_(std::move(link)),
      instance_(std::move(instance)),
      fingerprints_(std::move(fingerprints)),
      options_(options),
      last_hash_(kChainStart) {}

StatusOr<std::unique_ptr<PostgresAuditTable>> PostgresAuditTable::Start(
    const sql::ConnectionConfig& config, std::string instance, AuditTableOptions options) {
  PostgresLink link(config.Clone());
  AURITE_ASSIGN_OR_RETURN(security::HmacSha256 key, StoreFingerprintKey(link));
  auto table = std::make_unique<PostgresAuditTable>(std::move(link), std::move(instance),
                                                    std::move(key), options);
  AURITE_RETURN_IF_ERROR(table->Record({.event = "audit_chain_started"}));
  std::vector<Queued> first{std::move(table->queue_.front())};
  table->queue_.clear();
  AURITE_RETURN_IF_ERROR(table->Insert(first));
  table->thread_ = std::jthread([raw = table.get()](std::stop_token stop) { raw->Ship(stop); });
  return table;
}

PostgresAuditTable::~PostgresAuditTable() {
  if (thread_.joinable()) {
    if (!Flush(options_.drain_timeout)) {
      std::size_t left = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        left = queue_.size() + in_flight_;
      }
      runtime::LogWarn(
          "audit table of {}: {} records were not written before exit; the local audit log has "
          "them",
          link_.Describe(), left);
    }
    thread_.request_stop();
    thread_.join();
  }
}

Status PostgresAuditTable::Record(const security::AuditEvent& event) {
  std::string token_fp;
  if (event.token_digest) {
    token_fp = "hmac-sha256:" + HexEncode(fingerprints_.Compute(*event.token_digest));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.size() + in_flight_ >= options_.max_queued) {
    return UnavailableError(
        "the audit table of " + link_.Describe() + " has not taken the last " +
        std::to_string(queue_.size() + in_flight_) +
        " records (the store is unreachable), so no more can be kept for it; refusing the "
        "action (fail closed). Bring the store back");
  }
  std::string line = security::FormatAuditLine(event, seq_ + 1, token_fp, last_hash_, instance_);
  last_hash_ = HashOf(line);
  ++seq_;
  queue_.push_back({seq_, std::move(line)});
  wake_.notify_one();
  return OkStatus();
}

bool PostgresAuditTable::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  flushing_ = true;
  wake_.notify_one();
  bool done = shipped_.wait_for(lock, timeout, [&] { return queue_.empty() && in_flight_ == 0; });
  flushing_ = false;
  return done;
}

Status PostgresAuditTable::Insert(const std::vector<Queued>& batch) {
  std::string sql = "INSERT INTO aurite_audit (instance, seq, line) VALUES ";
  std::vector<PgParam> params{instance_};
  for (const Queued& record : batch) {
    if (params.size() > 1) sql += ", ";
    sql += "($1, $" + std::to_string(params.size() + 1) + ", $" +
           std::to_string(params.size() + 2) + ")";
    params.push_back(std::to_string(record.seq));
    params.push_back(record.line);
  }
  // A batch whose commit was lost is written again: its rows are the same.
  sql += " ON CONFLICT (instance, seq) DO NOTHING";
  return link_.Run(sql, params, "cannot write audit records").status();
}

void PostgresAuditTable::Ship(std::stop_token stop) {
  bool failing = false;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, stop, [&] { return !queue_.empty(); });
    if (queue_.empty()) return;  // stopped, nothing left
    wake_.wait_for(lock, stop, options_.gather,
                   [&] { return queue_.size() >= options_.batch || flushing_; });
    std::vector<Queued> batch;
    while (!queue_.empty() && batch.size() < options_.batch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    in_flight_ = batch.size();
    lock.unlock();
    Status written = Insert(batch);
    lock.lock();
    in_flight_ = 0;
    if (written.ok()) {
      shipped_.notify_all();
      if (failing) {
        // Never log under mutex_: a log line is redacted under the
        // SecurityManager's lock, which Record() is called under.
        lock.unlock();
        runtime::LogInfo("audit table of {}: writing again", link_.Describe());
        lock.lock();
      }
      failing = false;
      continue;
    }
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
    lock.unlock();
    if (!failing) runtime::LogWarn("audit table: {}; retrying", written.message());
    failing = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    lock.lock();
    if (stop.stop_requested()) return;
  }
}

StatusOr<std::vector<AuditChainReport>> VerifyAuditTable(PostgresLink& link) {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          link.Run("SELECT instance, line FROM aurite_audit ORDER BY instance, seq",
                                   {}, "cannot read the audit table"));
  std::vector<AuditChainReport> reports;
  std::map<std::string, security::AuditChainCheck> chains;
  for (int row = 0; row < sql::Pq().PQntuples(result.get()); ++row) {
    std::string instance(PgField(result.get(), row, 0));
    if (reports.empty() || reports.back().instance != instance) {
      reports.push_back({instance, {}});
      chains.emplace(instance, security::AuditChainCheck("audit_chain_started"));
    }
    AuditChainReport& report = reports.back();
    if (!report.verification.intact) continue;
    ++report.verification.lines;
    if (std::optional<std::string> problem =
            chains.at(instance).Next(PgField(result.get(), row, 1))) {
      report.verification.intact = false;
      report.verification.first_bad_line = report.verification.lines;
      report.verification.problem = std::move(*problem);
    }
  }
  return reports;
}

}  // namespace aurite::host
