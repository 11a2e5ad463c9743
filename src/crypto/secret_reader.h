// Reading secret input (key files, secret references, stdin) straight into a
// SecretBuffer, so no unwiped copy of it is left behind.
#pragma once

#include <cstddef>
#include <limits>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::crypto {

// Reads `fd` to its end, retrying on EINTR; the bounce buffer is wiped.
// kResourceExhausted once more than `max_size` bytes arrived (reading stops
// there); kUnavailable when read(2) fails. Messages carry no input bytes.
StatusOr<SecretBuffer> ReadSecret(int fd,
                                  std::size_t max_size = std::numeric_limits<std::size_t>::max());

}  // namespace aurite::crypto
