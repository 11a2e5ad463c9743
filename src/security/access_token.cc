// Minting, recognising and digesting access tokens.
#include "security/access_token.h"

#include <openssl/crypto.h>

#include "crypto/base64url.h"
#include "crypto/random.h"
#include "security/digests.h"

namespace aurite::security {
namespace {

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

crypto::SecretBuffer MintAccessToken() {
  crypto::SecretBuffer random = crypto::RandomSecret(kAccessTokenBytes);
  crypto::SecretBuffer encoded =
      crypto::Base64UrlEncodeSecret(random.bytes(), crypto::Padding::kUnpadded);
  crypto::SecretBuffer token = crypto::SecretBuffer::CopyFrom(kAccessTokenPrefix);
  token.Append(encoded.bytes());
  return token;
}

bool LooksLikeAccessToken(std::string_view text) {
  if (text.size() != kAccessTokenTextSize || !text.starts_with(kAccessTokenPrefix)) return false;
  for (char c : text.substr(kAccessTokenPrefix.size())) {
    if (!IsBase64UrlChar(c)) return false;
  }
  return true;
}

TokenDigest DigestAccessToken(std::string_view token) { return Sha256(token); }

bool DigestsEqual(const TokenDigest& a, const TokenDigest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace aurite::security
