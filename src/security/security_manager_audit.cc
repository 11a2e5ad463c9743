// What the SecurityManager writes to the audit log, and what it does when
// that fails: grants fail closed, removals go ahead.
#include <cstdio>

#include "security/security_manager.h"

namespace aurite::security {

void SecurityManager::Audit(const AuditEvent& event) {
  if (audit_log_ == nullptr) return;
  // Records of what only takes access away (a denial, a revocation, an
  // expiry) must not be refused for want of a record: the failure is
  // reported on stderr instead (the message holds no secret).
  Status status = audit_log_->Record(event);
  if (!status.ok()) std::fprintf(stderr, "aurite: audit: %s\n", status.ToString().c_str());
}

Status SecurityManager::AuditOrRefuse(const AuditEvent& event, std::string_view action) {
  if (audit_log_ == nullptr) return OkStatus();
  Status status = audit_log_->Record(event);
  if (status.ok()) return status;
  std::fprintf(stderr, "aurite: audit: %s\n", status.ToString().c_str());
  // Fail closed, as Vault does: what grants access happens only on record.
  return UnavailableError("refused to " + std::string(action) +
                          ": the audit log cannot be written (" + status.message() +
                          "); every access must be recorded, so fix the audit log (free disk "
                          "space, or check its file and directory) and try again");
}

Status SecurityManager::AuditLease(LeaseEvent event, const LeaseRecord& lease,
                                   std::string_view outcome, std::string_view reason) {
  std::string redacted = Redact(reason);
  const AuditEvent record{.event = AuditEventName(event),
                          .connection = lease.connection,
                          .user_name = lease.user_name,
                          .lease_id = lease.lease_id,
                          .vault_lease_id = lease.vault_lease_id,
                          .outcome = outcome,
                          .reason = redacted};
  if (event == LeaseEvent::kCreated && outcome == "ok") {
    return AuditOrRefuse(record, "make a login for connection '" + lease.connection + "'");
  }
  Audit(record);
  return OkStatus();
}

void SecurityManager::AuditRotation(RotationEvent event, std::string_view connection,
                                    std::string_view username, std::string_view outcome,
                                    std::string_view reason) {
  std::string redacted = Redact(reason);
  Audit({.event = AuditEventName(event),
         .connection = connection,
         .user_name = username,
         .outcome = outcome,
         .reason = redacted});
}

void SecurityManager::AuditSecret(SecretEvent event, std::string_view connection,
                                  std::string_view references, std::string_view outcome,
                                  std::string_view reason) {
  std::string redacted = Redact(reason);
  Audit({.event = AuditEventName(event),
         .connection = connection,
         .references = references,
         .outcome = outcome,
         .reason = redacted});
}

void SecurityManager::AuditAuthFailure(std::string_view client_address, std::string_view principal,
                                       std::string_view reason) {
  Audit({.event = "auth_failed",
         .server_id = "gateway",
         .principal = principal,
         .client_address = client_address,
         .outcome = "denied",
         .reason = reason});
}

void SecurityManager::AuditUnreadable(const UnreadableRecord& record) {
  Audit({.event = kRecordUnreadableEvent, .outcome = "error", .reason = record.error.message()});
}

}  // namespace aurite::security
