// Start and end records of the statements run through the gateway
// (statement_audit.h).
#include "host/statement_audit.h"

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "crypto/random.h"
#include "mcp/core/server_types.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

constexpr std::string_view kEvent = "statement";

// Links a statement's two records: unique, not secret. A random start per
// process, so gateways sharing an audit table do not collide, counted up
// per statement; asking the random generator for every statement took 3%
// of the gateway's CPU in the HTTP point-query benchmark.
std::string NewStatementId() {
  static const std::uint64_t start = [] {
    std::uint64_t value = 0;
    crypto::FillRandom({reinterpret_cast<unsigned char*>(&value), sizeof(value)});
    return value;
  }();
  static std::atomic<std::uint64_t> counted{0};
  return fmt::format("{:016x}", start + counted.fetch_add(1, std::memory_order_relaxed));
}

std::optional<std::string> AuditedText(StatementAudit mode, const StatementInfo& info) {
  switch (mode) {
    case StatementAudit::kMasked:
      return security::MaskSqlLiterals(info.text, info.dialect);
    case StatementAudit::kFull:
      return info.text;
    case StatementAudit::kNone:
      break;
  }
  return std::nullopt;
}

// The number after the first `"key":` of a result still in its wire text,
// looked for before `end`. The sql-server writes structuredContent's keys
// unescaped and every string escaped, so `"key":` with a bare quote before
// the colon is a key, never the inside of a string (the text content, a
// cell, a column name).
std::optional<std::int64_t> NumberAfter(const std::string& raw, std::string_view key,
                                        std::size_t end = std::string::npos) {
  std::string needle = "\"" + std::string(key) + "\":";
  std::size_t at = raw.find(needle);
  if (at == std::string::npos || at >= end) return std::nullopt;
  const char* begin = raw.data() + at + needle.size();
  std::int64_t value = 0;
  auto [stop, error] = std::from_chars(begin, raw.data() + raw.size(), value);
  if (error != std::errc()) return std::nullopt;
  return value;
}

// Rows a query returned or a write changed, read without parsing a large
// raw result into a tree (that would double the cost of sending it). Keys
// come sorted: affected_rows (writes only) before columns, row_count before
// rows, so neither can be a JSON cell's key.
std::optional<std::int64_t> RowsOf(const mcp::RpcResult& result) {
  if (const std::string* raw = result.raw()) {
    if (auto affected = NumberAfter(*raw, "affected_rows", raw->find("\"columns\":"))) {
      return affected;
    }
    return NumberAfter(*raw, "row_count");
  }
  const mcp::Json& content = result.value().value("structuredContent", mcp::Json::object());
  for (const char* key : {"affected_rows", "row_count"}) {
    if (content.is_object() && content.contains(key) && content[key].is_number_integer()) {
      return content[key].get<std::int64_t>();
    }
  }
  return std::nullopt;
}

bool Failed(const mcp::RpcResult& result) {
  if (!result.ok()) return true;
  if (result.raw() != nullptr) return false;  // the sql-server's raw results are its successes
  return result.value().value("isError", false);
}

// The event views `statement` and `text`, which must outlive it.
security::AuditEvent Record(const StartedStatement& statement,
                            const std::optional<std::string>& text) {
  const StatementInfo& info = statement.info;
  security::AuditEvent event{.event = kEvent,
                             .connection = info.connection,
                             .user_name = info.database_user,
                             .principal = info.principal,
                             .role = info.role,
                             .statement_id = statement.id};
  if (text) event.statement = *text;
  event.params = info.params;
  return event;
}

}  // namespace

StatementInfo StatementOf(const mcp::Json& args, const mcp::SessionOwner& owner,
                          const std::string& connection_name, const std::string& database_user,
                          const std::string& database_type) {
  StatementInfo info;
  info.principal =
      owner.auth != nullptr && !owner.auth->principal.empty() ? owner.auth->principal : "anonymous";
  info.connection = connection_name.empty() ? "ad-hoc" : connection_name;
  info.database_user = database_user;
  const mcp::Json& query = args.value("query", mcp::Json());
  info.text = query.is_string() ? query.get<std::string>() : "";
  const mcp::Json& params = args.value("params", mcp::Json());
  info.params = params.is_array() ? params.size() : 0;
  if (database_type == "mariadb") {
    info.dialect = security::SqlDialect::kMariaDb;
  } else if (database_type == "postgresql" || database_type == "sqlite") {
    info.dialect = security::SqlDialect::kStandard;
  } else {
    info.dialect = security::SqlDialect::kUnknown;
  }
  return info;
}

std::string DatabaseUserOf(const std::string& masked_connection_string) {
  StatusOr<sql::ConnectionConfig> config = sql::ParseConnectionString(masked_connection_string);
  return config.ok() ? config->user : "";
}

StatusOr<StartedStatement> BeginStatement(security::SecurityManager& security, StatementAudit mode,
                                          StatementInfo info) {
  StartedStatement statement{std::move(info), NewStatementId(), {}};
  // The event views this text: it must outlive the Record below.
  const std::optional<std::string> text = AuditedText(mode, statement.info);
  security::AuditEvent event = Record(statement, text);
  event.outcome = "started";
  AURITE_RETURN_IF_ERROR(security.AuditStatement(event));
  statement.started = std::chrono::steady_clock::now();
  return statement;
}

mcp::RpcResult FinishStatement(security::SecurityManager& security,
                               const StartedStatement& statement, mcp::RpcResult result) {
  // The text is on the start record; this one links to it by statement_id.
  std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - statement.started;
  security::AuditEvent event = Record(statement, std::nullopt);
  event.duration_ms = elapsed.count();
  const bool failed = Failed(result);
  if (!failed) event.rows = RowsOf(result);
  event.outcome = failed ? "error" : "ok";
  Status recorded = security.AuditStatement(event);
  if (recorded.ok()) return result;
  return mcp::ToolErrorResult(
      "the statement ran, but its outcome could not be written to the audit log, so its result "
      "is withheld (" +
      recorded.message() + ")");
}

}  // namespace aurite::host
