// JsonWebKeySet: an OAuth issuer's signing keys (RFC 7517), as its JWKS
// document gives them, ready to check access-token signatures with
// (jwt_verifier.h).
//
// Contract:
//  - Parse() keeps the public signing keys it can use: RSA of 2048 bits or
//    more, EC on P-256, P-384 or P-521 (through cjose), and Ed25519 (OKP,
//    through OpenSSL: no JOSE library in Debian 12 knows EdDSA). Keys for
//    encryption ("use": "enc"), symmetric keys ("oct": an issuer's HMAC
//    secret must never verify a token here) and unknown kinds are skipped,
//    so one odd key does not make the issuer unusable. A document that is
//    not a JWKS, or holds no usable key, is an error that says so.
//  - Keys are immutable once parsed; a set may be shared between threads.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct _cjose_jwk_int;

namespace aurite::security {

struct CjoseKeyRelease {
  void operator()(_cjose_jwk_int* key) const;
};
struct EvpKeyRelease {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

struct JsonWebKey {
  std::string kid;                 // empty when the issuer gave none
  std::string kty;                 // "RSA", "EC" or "OKP"
  std::string crv;                 // EC and OKP: "P-256", "P-384", "P-521", "Ed25519"
  std::optional<std::string> alg;  // when the key names the one algorithm it is for
  std::unique_ptr<_cjose_jwk_int, CjoseKeyRelease> jose;  // RSA and EC
  std::unique_ptr<EVP_PKEY, EvpKeyRelease> okp;           // Ed25519
};

class JsonWebKeySet {
 public:
  // Parses a JWKS document ({"keys": [...]}).
  static StatusOr<JsonWebKeySet> Parse(std::string_view document);

  // The key for a token whose header names `kid` (may be empty) and `alg`:
  // the key with that kid (check KeyFitsAlgorithm before use), or when the
  // token names none, the only key that fits `alg`. Null when there is none
  // (the issuer may have rotated its keys: refetch the document).
  const JsonWebKey* Find(std::string_view kid, std::string_view alg) const;

  std::size_t size() const { return keys_.size(); }

 private:
  std::vector<JsonWebKey> keys_;
};

// Whether `key` may check a signature made with `alg` (its kind, curve and
// own "alg" agree).
bool KeyFitsAlgorithm(const JsonWebKey& key, std::string_view alg);

}  // namespace aurite::security
