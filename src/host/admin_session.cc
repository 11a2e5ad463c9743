// Opening, using and reopening an admin session (admin_session.h).
#include "host/admin_session.h"

namespace aurite::host {

Status AdminSession::Run(const std::function<Status(credentials::DatabaseAdmin&)>& call) {
  std::lock_guard lock(mu_);
  if (!session_) {
    StatusOr<std::unique_ptr<credentials::DatabaseAdmin>> opened =
        credentials::DatabaseAdmin::Open(admin_);
    if (!opened.ok()) {
      if (where_.empty()) return opened.status();
      return Status(opened.status().code(), where_ + ": " + opened.status().message());
    }
    session_ = std::move(opened).value();
  }
  Status status = call(*session_);
  if (!status.ok()) session_.reset();
  return status;
}

}  // namespace aurite::host
