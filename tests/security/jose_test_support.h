// Keys and tokens for the access-token tests, made at run time: RSA and
// EC keys and their signatures by cjose, Ed25519 by OpenSSL.
#pragma once

#include <cjose/jwk.h>
#include <openssl/evp.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "security/json_web_keys.h"

namespace aurite::security::testing {

// base64url without padding, of text.
std::string B64(std::string_view text);

// A private key and its public JWK (with `kid`).
struct CjoseKey {
  std::unique_ptr<cjose_jwk_t, CjoseKeyRelease> key;
  nlohmann::json public_jwk;
};
CjoseKey RsaKey(const std::string& kid, std::size_t bits = 2048);
CjoseKey EcKey(const std::string& kid, cjose_jwk_ec_curve curve = CJOSE_JWK_EC_P_256);

// A compact JWS of `claims` by `key` under a header of `alg`, `kid` (when
// not empty) and the members of `extra`.
std::string SignCjose(const cjose_jwk_t* key, const std::string& alg, const std::string& kid,
                      const nlohmann::json& claims,
                      const nlohmann::json& extra = nlohmann::json::object());

// A compact JWS of `claims` by HS256 keyed with the text of `public_jwk`
// (alg-confusion: a verifier that took an RSA key as an HMAC secret).
std::string SignHs256WithPublicKey(const nlohmann::json& public_jwk, const std::string& kid,
                                   const nlohmann::json& claims);

struct Ed25519 {
  std::unique_ptr<EVP_PKEY, EvpKeyRelease> key;
  nlohmann::json public_jwk;
};
Ed25519 Ed25519Key(const std::string& kid);
std::string SignEd25519(EVP_PKEY* key, const std::string& kid, const nlohmann::json& claims);

}  // namespace aurite::security::testing
