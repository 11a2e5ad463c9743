// The connection entry page's form (application/x-www-form-urlencoded):
// its fields read without a std::string copy of any value, and the
// separate fields (host, port, database, user, password, TLS mode)
// assembled into one connection string inside a SecretBuffer.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::host {

struct EntryForm {
  std::string csrf;
  std::string code;
  crypto::SecretBuffer connection_string;  // given, or assembled from the fields
};

// Reads the form `body` for an entry of `storage_type`. Either the field
// connection_string, or host, database and user (with optional port,
// password, tls = disable | require | verify-full, and engine =
// postgresql | mysql when storage_type does not say which); sqlite takes
// database (a file path) alone. Errors name the field, never a value.
StatusOr<EntryForm> ParseEntryForm(const crypto::SecretBuffer& body, std::string_view storage_type);

}  // namespace aurite::host
