// SHA-256 and the constant-time comparison come straight from OpenSSL.
#include "mcp/transport/bearer_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <optional>

#include "base/text.h"

namespace aurite::mcp {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest Sha256(std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::optional<Digest> FromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = HexDigitValue(hex[2 * i]);
    const int lo = HexDigitValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string TokenDigestHex(std::string_view token) { return HexEncode(Sha256(token)); }

bool BearerTokenAccepted(std::string_view token, const std::vector<std::string>& digests_hex) {
  const Digest presented = Sha256(token);
  bool accepted = false;
  for (const auto& hex : digests_hex) {
    auto expected = FromHex(hex);
    if (!expected) continue;
    accepted |= CRYPTO_memcmp(presented.data(), expected->data(), presented.size()) == 0;
  }
  return accepted;
}

}  // namespace aurite::mcp
