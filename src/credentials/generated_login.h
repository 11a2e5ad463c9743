// The login Aurite makes for a dynamic user: its name, its password and the
// connection string a backend connects with.
//
// Names are "aurite_" + the connection name reduced to [a-z0-9_] + "_" + 10
// random characters of [a-z2-7] (50 bits), within the engine's limit, so the
// database's own logs say which connection (and, with the lease's user
// name, which lease) did what. They need no quoting, so they also work
// unquoted in psql or a DBA's statements. Passwords are 32 characters of
// [A-Za-z0-9] (190 bits), which no connection-string syntax treats
// specially.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "sql/connection_config.h"

namespace aurite::credentials {

inline constexpr std::string_view kDynamicUserPrefix = "aurite_";
inline constexpr std::size_t kUserNameRandomChars = 10;
inline constexpr std::size_t kPasswordChars = 32;

// The longest user name the engine keeps: PostgreSQL 63 bytes
// (NAMEDATALEN - 1; longer names are silently truncated), MariaDB 80
// characters. 0 for SQLite.
std::size_t MaxUserNameLength(sql::Engine engine);

// A fresh user name for a dynamic user of connection `connection_name`: the
// connection name is lower-cased, every other byte outside [a-z0-9_] becomes
// '_', runs of '_' become one, and it is cut so the whole name fits the
// engine. kFailedPrecondition for SQLite.
StatusOr<std::string> NewDynamicUserName(sql::Engine engine, std::string_view connection_name);

// A fresh random password (kPasswordChars of [A-Za-z0-9], unbiased).
crypto::SecretBuffer NewPassword();

// `base` (a connection string without user or password, e.g.
// "postgresql://127.0.0.1:5432/orders?sslmode=prefer" or libpq's
// "host=db dbname=orders") with `user` and `password` filled in:
// percent-encoded into the URI's authority, or appended as quoted libpq
// keywords. kInvalidArgument when `base` does not parse or already names a
// user or password; kFailedPrecondition for SQLite. Messages never contain
// the password.
StatusOr<crypto::SecretBuffer> LoginConnectionString(std::string_view base, std::string_view user,
                                                     const crypto::SecretBuffer& password);

}  // namespace aurite::credentials
