// Random bytes from OpenSSL's CSPRNG (RAND_bytes, seeded by the OS).
#pragma once

#include <span>
#include <string>

#include "crypto/secret_buffer.h"

namespace aurite::crypto {

// Fills `out` with random bytes. Aborts the process if the CSPRNG fails:
// continuing with predictable keys or IVs would be worse than stopping.
void FillRandom(std::span<unsigned char> out);

SecretBuffer RandomSecret(std::size_t size);

// `size` random bytes in lower-case hex (2 * size characters): for ids and
// one-time tokens that must be unguessable (16 bytes: 128 bits).
std::string RandomHex(std::size_t size);

}  // namespace aurite::crypto
