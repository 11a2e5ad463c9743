// PostgresAuditTable: the audit records of every gateway sharing a store, in
// the store's table aurite_audit, so one place shows what the whole fleet
// decided (`aurite audit verify --store URL` checks it).
//
// Each gateway process writes a hash chain of its own, named by its
// instance id ("host:pid:random"): rows (instance, seq, line), where line is
// the record as the file has it (security/audit_log.h) plus "instance",
// seq counts from 1 and prev is the SHA-256 of the chain's line before. The
// first record of a chain is "audit_chain_started". Token fingerprints use
// the store's audit salt (aurite_meta), the same on every gateway, so a
// token can be followed across the fleet.
//
// Contract:
//  - Start() writes the chain's first record before it returns: a gateway
//    that cannot reach the table does not start.
//  - Record() formats the record and queues it; a thread writes the queue
//    in batches (one INSERT per batch, at most `gather` after the first
//    record of the batch arrived), so a call costs no round trip. The local audit file, written
//    first and synchronously, is the record of every decision until the table has it.
//  - While the table cannot be written the queue grows, up to
//    `max_queued` records; past that Record() fails, and the action it
//    records is refused (fail closed). The thread retries every 250 ms.
//  - The destructor writes what is queued, for at most `drain_timeout`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "host/postgres_link.h"
#include "security/audit_log.h"
#include "security/digests.h"

namespace aurite::host {

struct AuditTableOptions {
  std::size_t max_queued = 100'000;
  std::size_t batch = 256;
  // How long records gather before a batch that is not full is written: a
  // busy gateway then writes about 1/gather batches a second, not one per
  // call.
  std::chrono::milliseconds gather{50};
  std::chrono::milliseconds drain_timeout{5000};
};

class PostgresAuditTable final : public security::AuditMirror {
 public:
  // Starts the chain `instance` in the table of the store `config` names.
  static StatusOr<std::unique_ptr<PostgresAuditTable>> Start(const sql::ConnectionConfig& config,
                                                             std::string instance,
                                                             AuditTableOptions options = {});
  ~PostgresAuditTable() override;

  Status Record(const security::AuditEvent& event) override;

  // Waits until every record queued so far is in the table, for at most
  // `timeout`; false when some are not.
  bool Flush(std::chrono::milliseconds timeout);

  const std::string& instance() const { return instance_; }

  // Use Start().
  PostgresAuditTable(PostgresLink link, std::string instance, security::HmacSha256 fingerprints,
                     AuditTableOptions options);

 private:
  struct Queued {
    std::uint64_t seq;
    std::string line;
  };
  Status Insert(const std::vector<Queued>& batch);
  void Ship(std::stop_token stop);

  PostgresLink link_;  // used by the shipping thread only, after Start()
  std::string instance_;
  security::HmacSha256 fingerprints_;
  AuditTableOptions options_;

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::condition_variable shipped_;
  std::deque<Queued> queue_;
  std::size_t in_flight_ = 0;  // taken from the queue, not yet in the table
  bool flushing_ = false;      // Flush() waits: write without gathering
  std::uint64_t seq_ = 0;
  std::string last_hash_;
  std::jthread thread_;
};

// A new instance id: "<host name>:<pid>:<8 random hex digits>".
std::string NewAuditInstanceId();

// Starts a chain with a new instance id in the audit table of the shared
// store `url` (its references expanded) and makes it `log`'s mirror.
// Returns the instance id.
StatusOr<std::string> MirrorAuditToStore(security::AuditLog& log, std::string_view url);

struct AuditChainReport {
  std::string instance;
  security::AuditVerification verification;
};

// Checks every chain in the store's audit table.
StatusOr<std::vector<AuditChainReport>> VerifyAuditTable(PostgresLink& link);

}  // namespace aurite::host
