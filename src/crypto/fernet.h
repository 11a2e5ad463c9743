// Fernet symmetric authenticated encryption, exactly per the Fernet spec
// (github.com/fernet/spec) and compatible with Python's cryptography package.
//
// Token = base64url(0x80 | timestamp (u64 BE) | IV (16) | AES-128-CBC
// ciphertext with PKCS#7 | HMAC-SHA256 over everything before it).
//
// Decryption checks, in the spec's order: base64url decoding, version, TTL
// (with the reference implementation's 60-second allowance for tokens from
// the future), the HMAC in constant time, then decryption and unpadding.
// Every failure yields the same error, so a caller learns nothing about
// which check failed. A Fernet is safe to use from several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/fernet_key.h"
#include "crypto/openssl_handles.h"
#include "crypto/secret_buffer.h"

namespace aurite::crypto {

// Seconds since the Unix epoch, the clock Fernet timestamps use.
std::uint64_t UnixNow();

struct DecryptOptions {
  // Reject tokens older than this. No TTL: age is not checked.
  std::optional<std::chrono::seconds> ttl;
  // The current time for the TTL check; defaults to the system clock.
  std::optional<std::uint64_t> now;
};

struct FernetPlaintext {
  SecretBuffer plaintext;
  std::uint64_t timestamp = 0;  // when the token was made (Unix seconds)
};

class Fernet {
 public:
  static constexpr std::size_t kIvSize = 16;
  static constexpr std::chrono::seconds kMaxClockSkew{60};

  explicit Fernet(FernetKey key);
  Fernet(Fernet&&) noexcept = default;
  Fernet& operator=(Fernet&&) noexcept = default;

  std::string Encrypt(std::span<const unsigned char> plaintext) const;
  std::string Encrypt(std::string_view plaintext) const;
  // Deterministic form: the caller supplies the time and the IV. For test
  // vectors and key rotation; never reuse an IV under the same key.
  std::string EncryptAt(std::span<const unsigned char> plaintext, std::uint64_t timestamp,
                        std::span<const unsigned char, kIvSize> iv) const;

  StatusOr<SecretBuffer> Decrypt(std::string_view token, const DecryptOptions& options = {}) const;
  StatusOr<FernetPlaintext> DecryptWithTimestamp(std::string_view token,
                                                 const DecryptOptions& options = {}) const;

 private:
  bool ComputeMac(std::span<const unsigned char> data, unsigned char out[32]) const;

  FernetKey key_;
  MacCtx mac_template_;  // HMAC-SHA256 keyed with the signing key; duplicated per call
};

// The single error every invalid Fernet token produces.
Status InvalidFernetTokenError();

}  // namespace aurite::crypto
