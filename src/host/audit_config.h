// The `audit` section of aurite.json: what the audit log keeps of each
// statement run through the gateway.
//
//   "audit": {"statements": "masked"}   // "masked" (default) | "full" | "none"
//
//  - masked: the statement text with every string and numeric literal
//    replaced by '?' and comments removed (security/statement_masking.h),
//    so values written into a statement never reach the log.
//  - full: the text as sent. It may hold personal data or a password
//    written into the statement: choose it only where the log is guarded
//    like the database.
//  - none: no text; the record still names the principal, connection,
//    database user and role, parameter count, duration, rows and outcome.
#pragma once

#include <string_view>

#include "base/status.h"
#include "host/config_fields.h"

namespace aurite::host {

enum class StatementAudit { kMasked, kFull, kNone };

struct AuditConfig {
  StatementAudit statements = StatementAudit::kMasked;
};

// Reads the `audit` object; errors name the key and the accepted values.
Status ParseAuditConfig(const config_json::Field& field, AuditConfig& audit);

}  // namespace aurite::host
