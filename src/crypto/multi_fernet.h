// MultiFernet: key rotation over several Fernet keys.
//
// Encrypts with the first key; decrypts with whichever key made the token;
// Rotate() re-encrypts a token under the first key, keeping its original
// timestamp, so TTLs still count from when the secret was first stored.
#pragma once

#include <vector>

#include "crypto/fernet.h"

namespace aurite::crypto {

class MultiFernet {
 public:
  // `keys` must not be empty; the first is the current key.
  static StatusOr<MultiFernet> Create(std::vector<FernetKey> keys);
  // The same over copies of `keys`, for a caller that keeps its own.
  static StatusOr<MultiFernet> CopyOf(const std::vector<FernetKey>& keys);

  std::string Encrypt(std::span<const unsigned char> plaintext) const;
  std::string Encrypt(std::string_view plaintext) const;
  StatusOr<SecretBuffer> Decrypt(std::string_view token, const DecryptOptions& options = {}) const;
  StatusOr<FernetPlaintext> DecryptWithTimestamp(std::string_view token,
                                                 const DecryptOptions& options = {}) const;
  // Fails with the invalid-token error if no key opens `token`.
  StatusOr<std::string> Rotate(std::string_view token) const;

 private:
  explicit MultiFernet(std::vector<Fernet> fernets) : fernets_(std::move(fernets)) {}
  std::vector<Fernet> fernets_;
};

}  // namespace aurite::crypto
