// `aurite audit`: check an audit log's hash chain (verify), show its last
// records (tail) and find records by principal, connection, event and time
// (search).
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/audit_records.h"
#include "cli/command.h"
#include "cli/security_context.h"
#include "host/postgres_audit_table.h"
#include "security/audit_log.h"
#include "security/sqlite_store.h"
#include "sql/connection_string.h"

namespace aurite::cli {
namespace {

int Verify(const std::string& path) {
  StatusOr<security::AuditVerification> result = security::VerifyAuditLog(path);
  if (!result.ok()) {
    std::cerr << "aurite: error: " << result.status().message() << "\n";
    return kExitUsage;
  }
  if (!result->intact) {
    std::cout << path << ":" << result->first_bad_line << ": " << result->problem << "\n";
    return kExitFindings;
  }
  std::cout << path << ": intact, " << result->lines << " records\n";
  return kExitOk;
}

// Checks every chain in the audit table of the shared store `url` (its
// password a ${...} reference, never literal on the command line).
int VerifyTable(const std::string& url) {
  auto fail = [](const Status& status) {
    std::cerr << "aurite: error: " << status.message() << "\n";
    return kExitUsage;
  };
  StatusOr<crypto::SecretBuffer> expanded = ExpandStoreUrl(url);
  if (!expanded.ok()) return fail(expanded.status());
  StatusOr<sql::ConnectionConfig> config = sql::ParseConnectionString(expanded->Reveal());
  if (!config.ok()) return fail(config.status());
  host::PostgresLink link(std::move(*config));
  StatusOr<std::vector<host::AuditChainReport>> reports = host::VerifyAuditTable(link);
  if (!reports.ok()) return fail(reports.status());
  int exit_status = kExitOk;
  for (const host::AuditChainReport& report : *reports) {
    if (!report.verification.intact) {
      std::cout << link.Url() << " instance " << report.instance << ": record "
                << report.verification.first_bad_line << ": " << report.verification.problem
                << "\n";
      exit_status = kExitFindings;
    } else {
      std::cout << link.Url() << " instance " << report.instance << ": intact, "
                << report.verification.lines << " records\n";
    }
  }
  if (reports->empty()) std::cout << link.Url() << ": the audit table has no records\n";
  return exit_status;
}

struct ReadFlags {
  std::string log;
  bool json = false;
  std::size_t lines = 10;
  bool follow = false;
  AuditFilter filter;
  std::string since;
};

std::string LogPath(const ReadFlags& flags) {
  if (!flags.log.empty()) return flags.log;
  return (security::DefaultStorePath().parent_path() / "audit.jsonl").string();
}

void Print(const std::string& line, const ReadFlags& flags) {
  std::cout << (flags.json ? line : HumanLine(line)) << "\n";
}

// Prints the complete lines appended to `in` from here on, until killed;
// `partial`: the start of a line the writer has not finished.
void Follow(std::ifstream& in, const ReadFlags& flags, std::string partial) {
  for (;;) {
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) {  // no newline yet: the writer is mid-record
        partial += line;
        break;
      }
      line = partial + line;
      partial.clear();
      if (Matches(line, flags.filter)) Print(line, flags);
    }
    std::cout << std::flush;
    in.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

// tail (last `lines` matching records) or search (every matching record).
int Read(ReadFlags flags, bool tail) {
  if (!flags.since.empty()) {
    StatusOr<std::string> since = SinceTime(flags.since);
    if (!since.ok()) {
      std::cerr << "aurite: error: " << since.status().message() << "\n";
      return kExitUsage;
    }
    flags.filter.since = *since;
  }
  const std::string path = LogPath(flags);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "aurite: error: cannot open audit log '" << path
              << "' (give it with --audit-log FILE)\n";
    return kExitUsage;
  }
  std::deque<std::string> last;
  std::string line;
  std::string partial;  // a last line without its newline: still being written
  while (std::getline(in, line)) {
    if (in.eof() && tail && flags.follow) {
      partial = std::move(line);
      break;
    }
    if (!Matches(line, flags.filter)) continue;
    if (!tail) {
      Print(line, flags);
      continue;
    }
    last.push_back(line);
    if (last.size() > flags.lines) last.pop_front();
  }
  for (const std::string& kept : last) Print(kept, flags);
  std::cout << std::flush;
  if (tail && flags.follow) {
    in.clear();
    Follow(in, flags, std::move(partial));
  }
  return kExitOk;
}

void AddReadFlags(CLI::App& command, ReadFlags& flags) {
  command.add_option("--audit-log", flags.log,
                     "The audit log (default: next to the store, audit.jsonl)");
  command.add_flag("--json", flags.json, "Print each record as its JSON line");
  command.add_option("--principal", flags.filter.principal, "Only records of this principal");
  command.add_option("--connection", flags.filter.connection,
                     "Only records of this connection (a name from aurite.json, or ad-hoc)");
  command.add_option("--event", flags.filter.event, "Only records of this event, e.g. statement");
  command.add_option("--since", flags.since, "Only records this recent, e.g. 30m, 1h, 2d");
}

}  // namespace

void RegisterAuditCommand(CLI::App& app, CommandResult& result) {
  CLI::App* audit = app.add_subcommand("audit", "Work with the security audit log");
  audit->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto store = std::make_shared<std::string>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check that no record of an audit log was changed, removed or reordered");
  auto* file = verify->add_option("file", *path, "The audit log (JSON Lines)");
  auto* table = verify->add_option(
      "--store", *store,
      "Check every gateway's chain in the audit table of this shared store instead "
      "(postgresql://user:${env:PW}@host/db)");
  file->excludes(table);
  verify->footer(
      "Exits 0 when the chain is intact, 1 with the first bad line when it is not.\n"
      "Examples:\n  aurite audit verify ~/.local/state/aurite/audit.jsonl\n"
      "  aurite audit verify --store 'postgresql://aurite:${env:STORE_PW}@db/aurite'");
  verify->callback([path, store, &result] {
    if (store->empty() && path->empty()) {
      std::cerr << "aurite: error: audit verify: give the audit log file, or --store URL\n";
      result.exit_status = kExitUsage;
      return;
    }
    result.exit_status = store->empty() ? Verify(*path) : VerifyTable(*store);
  });

  auto tail_flags = std::make_shared<ReadFlags>();
  CLI::App* tail = audit->add_subcommand("tail", "Show the last records of the audit log");
  AddReadFlags(*tail, *tail_flags);
  tail->add_option("-n,--lines", tail_flags->lines, "How many records (default 10)")
      ->check(CLI::Range(0, 1'000'000));
  tail->add_flag("-f,--follow", tail_flags->follow, "Keep printing records as they are written");
  tail->footer("Example:\n  aurite audit tail -n 20 --follow");
  tail->callback([tail_flags, &result] { result.exit_status = Read(*tail_flags, true); });

  auto search_flags = std::make_shared<ReadFlags>();
  CLI::App* search =
      audit->add_subcommand("search", "Show the audit records of a principal, connection or time");
  AddReadFlags(*search, *search_flags);
  search->footer(
      "Every filter given must match. Statement records (event \"statement\") come in pairs "
      "linked by statement_id: outcome \"started\" before the statement runs, then \"ok\" or "
      "\"error\".\nExample:\n  aurite audit search --principal alice --connection orders --since "
      "1h --json");
  search->callback([search_flags, &result] { result.exit_status = Read(*search_flags, false); });
}

}  // namespace aurite::cli
