// Cached-algorithm SHA-256 and HMAC-SHA256.
#include "security/digests.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace aurite::security {
namespace {

// Hashing cannot fail short of memory exhaustion or a broken OpenSSL; going
// on with a wrong digest would be worse than stopping.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "aurite: internal error: %s failed\n", what);
  std::abort();
}

const EVP_MD* Sha256Algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) Fatal("EVP_MD_fetch(SHA256)");
  return md;
}

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) Fatal("EVP_MAC_fetch(HMAC)");
  return mac;
}

}  // namespace

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest digest;
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, Sha256Algorithm(), nullptr) != 1 ||
      size != digest.size()) {
    Fatal("EVP_Digest");
  }
  return digest;
}

HmacSha256::HmacSha256(std::span<const unsigned char> key)
    : keyed_(EVP_MAC_CTX_new(HmacAlgorithm())) {
  if (!keyed_) Fatal("EVP_MAC_CTX_new");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(keyed_.get(), key.data(), key.size(), params) != 1) Fatal("EVP_MAC_init");
}

Sha256Digest HmacSha256::Compute(std::span<const unsigned char> data) const {
  crypto::MacCtx ctx(EVP_MAC_CTX_dup(keyed_.get()));
  Sha256Digest mac;
  std::size_t written = 0;
  if (!ctx || EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), mac.data(), &written, mac.size()) != 1 || written != mac.size()) {
    Fatal("HMAC-SHA256");
  }
  return mac;
}

}  // namespace aurite::security
