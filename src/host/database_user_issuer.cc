// Database users as leases of mode "dynamic" (database_user_issuer.h).
#include "host/database_user_issuer.h"

#include <algorithm>

#include "credentials/generated_login.h"
#include "host/made_logins.h"
#include "sql/connection_string.h"

namespace aurite::host {

DatabaseUserIssuer::DatabaseUserIssuer(const ConnectionConfig& connection,
                                       const credentials::DynamicCredentials& dynamic)
    : connection_(connection),
      dynamic_(dynamic),
      admin_(dynamic.admin, "connections." + connection.name + ".credentials.admin") {}

StatusOr<IssuedLogin> DatabaseUserIssuer::Issue(security::LeaseRecord& record, TimePoint now,
                                                const RecordFirst& record_first) {
  const std::string_view base = connection_.connection_string.Reveal();
  AURITE_ASSIGN_OR_RETURN(sql::ConnectionConfig target, sql::ParseConnectionString(base));
  AURITE_ASSIGN_OR_RETURN(std::string user,
                          credentials::NewDynamicUserName(target.engine, connection_.name));
  crypto::SecretBuffer password = credentials::NewPassword();
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer login,
                          credentials::LoginConnectionString(base, user, password));
  const LeaseTerm term{now + dynamic_.default_ttl, now + dynamic_.max_ttl, dynamic_.default_ttl};
  record.engine = std::string(sql::EngineName(target.engine));
  record.user_name = user;
  record.expires_at = ToUnixSeconds(term.expires_at);
  record.max_expires_at = ToUnixSeconds(term.max_expires_at);
  AURITE_RETURN_IF_ERROR(record_first(record));
  const Status created = admin_.Run([&](credentials::DatabaseAdmin& admin) {
    return admin.CreateUser(user, password, term.expires_at, dynamic_.grant_roles,
                            dynamic_.statements);
  });
  if (!created.ok()) {
    return Status(created.code(),
                  "connections." + connection_.name +
                      ": the database user could not be made: " + created.message());
  }
  return IssuedLogin{std::move(login), term};
}

StatusOr<LeaseTerm> DatabaseUserIssuer::Renew(const security::LeaseRecord& record, TimePoint now,
                                              std::chrono::seconds length) {
  const TimePoint max_expires_at = FromUnixSeconds(record.max_expires_at);
  const TimePoint until = std::min(now + length, max_expires_at);
  AURITE_RETURN_IF_ERROR(admin_.Run([&](credentials::DatabaseAdmin& admin) {
    return admin.RenewUser(record.user_name, until, dynamic_.statements);
  }));
  return LeaseTerm{until, max_expires_at, length};
}

Status DatabaseUserIssuer::Revoke(const security::LeaseRecord& record) {
  return admin_.Run([&](credentials::DatabaseAdmin& admin) {
    return admin.RevokeUser(record.user_name, dynamic_.statements);
  });
}

}  // namespace aurite::host
