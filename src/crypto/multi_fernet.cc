// MultiFernet: try each key in order; rotation keeps the token's timestamp.
#include "crypto/multi_fernet.h"

#include "crypto/random.h"

namespace aurite::crypto {

StatusOr<MultiFernet> MultiFernet::Create(std::vector<FernetKey> keys) {
  if (keys.empty()) return InvalidArgumentError("MultiFernet needs at least one key");
  std::vector<Fernet> fernets;
  fernets.reserve(keys.size());
  for (FernetKey& key : keys) fernets.emplace_back(std::move(key));
  return MultiFernet(std::move(fernets));
}

StatusOr<MultiFernet> MultiFernet::CopyOf(const std::vector<FernetKey>& keys) {
  std::vector<FernetKey> copies;
  copies.reserve(keys.size());
  for (const FernetKey& key : keys) copies.push_back(key.Clone());
  return Create(std::move(copies));
}

std::string MultiFernet::Encrypt(std::span<const unsigned char> plaintext) const {
  return fernets_.front().Encrypt(plaintext);
}

std::string MultiFernet::Encrypt(std::string_view plaintext) const {
  return fernets_.front().Encrypt(plaintext);
}

StatusOr<SecretBuffer> MultiFernet::Decrypt(std::string_view token,
                                            const DecryptOptions& options) const {
  AURITE_ASSIGN_OR_RETURN(FernetPlaintext opened, DecryptWithTimestamp(token, options));
  return std::move(opened.plaintext);
}

StatusOr<FernetPlaintext> MultiFernet::DecryptWithTimestamp(std::string_view token,
                                                            const DecryptOptions& options) const {
  for (const Fernet& fernet : fernets_) {
    StatusOr<FernetPlaintext> opened = fernet.DecryptWithTimestamp(token, options);
    if (opened.ok()) return opened;
  }
  return InvalidFernetTokenError();
}

StatusOr<std::string> MultiFernet::Rotate(std::string_view token) const {
  AURITE_ASSIGN_OR_RETURN(FernetPlaintext opened, DecryptWithTimestamp(token));
  unsigned char iv[Fernet::kIvSize];
  FillRandom(iv);
  return fernets_.front().EncryptAt(opened.plaintext.bytes(), opened.timestamp, iv);
}

}  // namespace aurite::crypto
