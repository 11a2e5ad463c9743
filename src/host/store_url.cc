// Store URLs (store_url.h).
#include "host/store_url.h"

#include "sql/connection_string.h"

namespace aurite::host {

bool IsPostgresStoreUrl(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

bool UrlHoldsPassword(std::string_view text) {
  StatusOr<sql::ConnectionConfig> config = sql::ParseConnectionString(text);
  return config.ok() && !config->password.empty();
}

}  // namespace aurite::host
