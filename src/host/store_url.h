// Telling a shared store's URL from a store file's path, as security.store
// and --store take either.
#pragma once

#include <string_view>

namespace aurite::host {

// True when `text` names a shared PostgreSQL store rather than a file.
bool IsPostgresStoreUrl(std::string_view text);

// True when the postgresql:// URL `text` carries a password.
bool UrlHoldsPassword(std::string_view text);

}  // namespace aurite::host
