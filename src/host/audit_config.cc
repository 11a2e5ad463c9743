// Parsing the `audit` section of aurite.json (audit_config.h).
#include "host/audit_config.h"

namespace aurite::host {

Status ParseAuditConfig(const config_json::Field& field, AuditConfig& audit) {
  AURITE_RETURN_IF_ERROR(config_json::ExpectObjectWithKeys(field, {"statements"}));
  if (!config_json::Has(field, "statements")) return OkStatus();
  const config_json::Field statements = field["statements"];
  if (!statements.value.is_string()) {
    return statements.Error("\"masked\", \"full\" or \"none\"");
  }
  const std::string mode = statements.value.get<std::string>();
  if (mode == "masked") {
    audit.statements = StatementAudit::kMasked;
  } else if (mode == "full") {
    audit.statements = StatementAudit::kFull;
  } else if (mode == "none") {
    audit.statements = StatementAudit::kNone;
  } else {
    return statements.Error(
        "\"masked\" (literals replaced by ?), \"full\" (the text as sent) or \"none\" (no text)");
  }
  return OkStatus();
}

}  // namespace aurite::host
