// Parsing of database connection strings into a ConnectionConfig.
//
// Accepted forms:
//   postgres://, postgresql://, postgresql+<driver>:// (SQLAlchemy; driver ignored)
//   mysql://, mariadb://, mysql+<driver>://, mariadb+<driver>://
//   sqlite:///relative/path, sqlite:////absolute/path (SQLAlchemy convention),
//   sqlite::memory:, sqlite:///:memory:, sqlite://
//   libpq keyword/value strings: "host=db user=app password='x y' dbname=app"
// URI user, password, host, database and query parameters are
// percent-decoded. A password with unencoded '@', ':', '/' or '?' still
// parses when the rest of the URI is unambiguous; percent-encoding is safer.
//
// Errors say what is wrong and never contain any part of the input, so the
// message is safe to show even when the input held a password.
#pragma once

#include <string_view>

#include "base/status.h"
#include "sql/connection_config.h"

namespace aurite::sql {

StatusOr<ConnectionConfig> ParseConnectionString(std::string_view text);

}  // namespace aurite::sql
