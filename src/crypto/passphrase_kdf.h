// Deriving a Fernet key from a passphrase with scrypt (N=2^17, r=8, p=1).
//
// The salt is random, 16 bytes, made once per persistent store and kept in
// the store's header: the same passphrase and salt always give the same key.
#pragma once

#include <array>
#include <span>

#include "base/status.h"
#include "crypto/fernet_key.h"
#include "crypto/secret_buffer.h"

namespace aurite::crypto {

inline constexpr std::size_t kKdfSaltSize = 16;
using KdfSalt = std::array<unsigned char, kKdfSaltSize>;

struct ScryptParams {
  std::uint64_t n = std::uint64_t{1} << 17;
  std::uint64_t r = 8;
  std::uint64_t p = 1;
};

KdfSalt NewKdfSalt();

// Takes about 0.3 s and 128 MiB by design (that is what makes guessing slow).
StatusOr<FernetKey> DeriveKeyFromPassphrase(const SecretBuffer& passphrase, const KdfSalt& salt,
                                            const ScryptParams& params = {});

}  // namespace aurite::crypto
