// Reading the audit log for `aurite audit tail` and `aurite audit search`:
// which records a filter keeps, and how a record reads as one human line.
// The log's lines are JSON objects (security/audit_log.h); a line that is
// not one is shown as it is, never dropped, so a damaged log stays visible
// (`aurite audit verify` says where the chain breaks).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"

namespace aurite::cli {

struct AuditFilter {
  std::optional<std::string> principal;   // exact
  std::optional<std::string> connection;  // exact: a name from aurite.json, or "ad-hoc"
  std::optional<std::string> event;       // exact, e.g. "statement"
  std::optional<std::string> since;       // records at or after this time ("time" field form)
  bool empty() const { return !principal && !connection && !event && !since; }
};

// The `time` text of the moment `ago` before now ("2026-12-07T05:33:04.123Z"),
// which compares with the log's times as text. `ago` as --since takes it:
// "30m", "1h", "2d" (host::ParseDuration); kInvalidArgument otherwise.
StatusOr<std::string> SinceTime(const std::string& ago);

// Whether the record on `line` passes `filter`; a line that is not a JSON
// object passes only an empty filter.
bool Matches(const std::string& line, const AuditFilter& filter);

// "<time> #<seq> <event> <outcome> key=value ..." with the other fields in
// the log's order, nulls and the chain hash (prev) left out; strings with
// spaces or quotes are JSON-quoted.
std::string HumanLine(const std::string& line);

}  // namespace aurite::cli
