// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interface, with the
// algorithms fetched once per process and the HMAC key schedule computed
// once per key: the one-shot SHA256() and HMAC() fetch on every call, which
// costs more than the hashing itself for the short inputs used here.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "crypto/openssl_handles.h"

namespace aurite::security {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest Sha256(std::string_view data);

// HMAC-SHA256 under a fixed key. Safe to use from several threads at once.
class HmacSha256 {
 public:
  HmacSha256() = default;
  explicit HmacSha256(std::span<const unsigned char> key);

  Sha256Digest Compute(std::span<const unsigned char> data) const;

 private:
  crypto::MacCtx keyed_;  // duplicated per call
};

}  // namespace aurite::security
