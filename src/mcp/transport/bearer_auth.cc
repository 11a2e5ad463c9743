// SHA-256 and the constant-time comparison come straight from OpenSSL.
#include "mcp/transport/bearer_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <optional>

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
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string TokenDigestHex(std::string_view token) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : Sha256(token)) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0xF]);
  }
  return hex;
}

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
