// AdminSession: one connection's admin login (credentials modes "dynamic"
// and "rotate"), shared by the lease manager and the password rotator.
//
// Contract:
//  - Run() opens the session on first use, runs `call` on it and returns
//    its status. An error opening it is prefixed with `where` (when not
//    empty), so it names the configuration key.
//  - After a call that failed, the session may be lost: the next Run()
//    opens it afresh.
//  - Thread-safe: one call at a time (DatabaseAdmin is not thread-safe).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "credentials/database_admin.h"
#include "crypto/secret_buffer.h"

namespace aurite::host {

class AdminSession {
 public:
  // `admin` (the admin connection string) must outlive this.
  AdminSession(const crypto::SecretBuffer& admin, std::string where)
      : admin_(admin), where_(std::move(where)) {}

  Status Run(const std::function<Status(credentials::DatabaseAdmin&)>& call);

 private:
  const crypto::SecretBuffer& admin_;
  const std::string where_;
  std::mutex mu_;
  std::unique_ptr<credentials::DatabaseAdmin> session_;
};

}  // namespace aurite::host
