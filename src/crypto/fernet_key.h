// FernetKey: the 32 bytes of a Fernet key (16 signing + 16 encryption).
//
// Text form: 44 characters of padded base64url, as Python's
// cryptography.fernet.Fernet.generate_key() prints it.
#pragma once

#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::crypto {

class FernetKey {
 public:
  static constexpr std::size_t kSize = 32;
  static constexpr std::size_t kTextSize = 44;

  static FernetKey Generate();
  // Fails (without echoing the text) unless `text` is 44 base64url
  // characters decoding to exactly 32 bytes.
  static StatusOr<FernetKey> FromText(std::string_view text);
  // `bytes` must be exactly 32 bytes.
  static StatusOr<FernetKey> FromBytes(SecretBuffer bytes);

  SecretBuffer ToText() const;

  std::span<const unsigned char> signing_key() const { return bytes_.bytes().first(16); }
  std::span<const unsigned char> encryption_key() const { return bytes_.bytes().last(16); }
  std::span<const unsigned char> bytes() const { return bytes_.bytes(); }

  FernetKey Clone() const { return FernetKey(bytes_.Clone()); }

 private:
  explicit FernetKey(SecretBuffer bytes) : bytes_(std::move(bytes)) {}
  SecretBuffer bytes_;
};

}  // namespace aurite::crypto
