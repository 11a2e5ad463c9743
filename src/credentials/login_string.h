// Filling a login into a connection string that names none: the host keeps
// a connection's address (`postgresql://db:5432/orders?sslmode=require`)
// and adds the user and password it made or fetched, per connection.
#pragma once

#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::credentials {

// `base` with `user` and `password`: for a URI both are percent-encoded
// into its authority (`postgresql://user:password@db:5432/orders…`); for a
// libpq keyword string they are appended as quoted `user='…'
// password='…'`. Fails, without quoting anything, when `base` does not
// parse, is SQLite (no users) or already names a user or password. The
// result and every intermediate copy of the password are SecretBuffers.
StatusOr<crypto::SecretBuffer> WithLogin(const crypto::SecretBuffer& base, std::string_view user,
                                         const crypto::SecretBuffer& password);

}  // namespace aurite::credentials
