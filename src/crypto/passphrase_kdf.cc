// scrypt through OpenSSL's EVP_PBE_scrypt.
#include "crypto/passphrase_kdf.h"

#include <openssl/evp.h>

#include "crypto/random.h"

namespace aurite::crypto {

KdfSalt NewKdfSalt() {
  KdfSalt salt;
  FillRandom(salt);
  return salt;
}

StatusOr<FernetKey> DeriveKeyFromPassphrase(const SecretBuffer& passphrase, const KdfSalt& salt,
                                            const ScryptParams& params) {
  if (passphrase.empty()) return InvalidArgumentError("the passphrase is empty");
  // scrypt needs 128 * r * N bytes; allow twice that for OpenSSL's bookkeeping.
  std::uint64_t max_memory = 2 * 128 * params.r * params.n * params.p;
  SecretBuffer key(FernetKey::kSize);
  int ok = EVP_PBE_scrypt(reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
                          salt.data(), salt.size(), params.n, params.r, params.p, max_memory,
                          key.data(), key.size());
  if (ok != 1) return InternalError("scrypt key derivation failed (out of memory?)");
  return FernetKey::FromBytes(std::move(key));
}

}  // namespace aurite::crypto
