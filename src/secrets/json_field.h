// One top-level field of a secret that holds a JSON object, such as the
// {"username": …, "password": …, "host": …, "port": 5432, "dbname": …} of an
// RDS-managed secret in AWS Secrets Manager.
#pragma once

#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "secrets/wiping_json.h"

namespace aurite::secrets {

// The value of top-level key `field` of the JSON object in `secret`: a
// string's text, a number's JSON text (5432, 1.5), or "true" / "false".
// kInvalidArgument when `secret` is not a JSON object or the field is null,
// an object or an array; kNotFound when it has no such key. Messages start
// with `what` (e.g. "secret 'prod/orders'") and name the field, never any
// part of the secret.
StatusOr<crypto::SecretBuffer> JsonSecretField(const crypto::SecretBuffer& secret,
                                               std::string_view field, std::string_view what);

// The same for a document already parsed (e.g. the data.data map of a
// Vault KV answer): the value of key `field` of `object`, which must be a
// JSON object. kNotFound and kInvalidArgument as above.
StatusOr<crypto::SecretBuffer> JsonObjectField(const WipingJson& object, std::string_view field,
                                               std::string_view what);

}  // namespace aurite::secrets
