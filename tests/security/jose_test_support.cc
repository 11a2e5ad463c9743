// Keys and tokens for the access-token tests (jose_test_support.h).
#include "jose_test_support.h"

#include <cjose/header.h>
#include <cjose/jws.h>
#include <cjose/util.h>
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <span>

#include "crypto/base64url.h"

namespace aurite::security::testing {
namespace {

using Json = nlohmann::json;

// Names `key` (made by cjose, or null) `kid`, and takes its public JWK.
CjoseKey Made(cjose_jwk_t* key, const std::string& kid) {
  cjose_err error;
  EXPECT_NE(key, nullptr);
  EXPECT_TRUE(cjose_jwk_set_kid(key, kid.data(), kid.size(), &error));
  char* json = cjose_jwk_to_json(key, false, &error);
  Json public_jwk = Json::parse(json);
  cjose_get_dealloc()(json);
  return {std::unique_ptr<cjose_jwk_t, CjoseKeyRelease>(key), public_jwk};
}

}  // namespace

std::string B64(std::string_view text) {
  return crypto::Base64UrlEncode(
      std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()),
      crypto::Padding::kUnpadded);
}

CjoseKey RsaKey(const std::string& kid, std::size_t bits) {
  static const uint8_t kExponent[] = {0x01, 0x00, 0x01};
  cjose_err error;
  return Made(cjose_jwk_create_RSA_random(bits, kExponent, sizeof kExponent, &error), kid);
}

CjoseKey EcKey(const std::string& kid, cjose_jwk_ec_curve curve) {
  cjose_err error;
  return Made(cjose_jwk_create_EC_random(curve, &error), kid);
}

std::string SignCjose(const cjose_jwk_t* key, const std::string& alg, const std::string& kid,
                      const Json& claims, const Json& extra) {
  cjose_err error;
  cjose_header_t* header = cjose_header_new(&error);
  cjose_header_set(header, CJOSE_HDR_ALG, alg.c_str(), &error);
  if (!kid.empty()) cjose_header_set(header, CJOSE_HDR_KID, kid.c_str(), &error);
  for (auto& [name, value] : extra.items()) {
    // cjose takes strings as such, and other JSON values raw.
    const bool set =
        value.is_string()
            ? cjose_header_set(header, name.c_str(), value.get<std::string>().c_str(), &error)
            : cjose_header_set_raw(header, name.c_str(), value.dump().c_str(), &error);
    EXPECT_TRUE(set) << name;
  }
  const std::string payload = claims.dump();
  cjose_jws_t* jws = cjose_jws_sign(key, header, reinterpret_cast<const uint8_t*>(payload.data()),
                                    payload.size(), &error);
  cjose_header_release(header);
  EXPECT_NE(jws, nullptr) << (error.message ? error.message : "");
  const char* compact = nullptr;
  cjose_jws_export(jws, &compact, &error);
  std::string token = compact ? compact : "";
  cjose_jws_release(jws);
  return token;
}

Ed25519 Ed25519Key(const std::string& kid) {
  EVP_PKEY* made = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
  EXPECT_EQ(EVP_PKEY_keygen_init(context.get()), 1);
  EXPECT_EQ(EVP_PKEY_keygen(context.get(), &made), 1);
  unsigned char raw[32];
  std::size_t length = sizeof raw;
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(made, raw, &length), 1);
  Json jwk = {{"kty", "OKP"},
              {"crv", "Ed25519"},
              {"kid", kid},
              {"x", crypto::Base64UrlEncode(std::span(raw, length), crypto::Padding::kUnpadded)}};
  return {std::unique_ptr<EVP_PKEY, EvpKeyRelease>(made), jwk};
}

std::string SignEd25519(EVP_PKEY* key, const std::string& kid, const Json& claims) {
  const std::string signing_input =
      B64(Json({{"alg", "EdDSA"}, {"kid", kid}}).dump()) + "." + B64(claims.dump());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  unsigned char signature[64];
  std::size_t length = sizeof signature;
  EXPECT_EQ(EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(context.get(), signature, &length,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()),
            1);
  return signing_input + "." +
         crypto::Base64UrlEncode(std::span(signature, length), crypto::Padding::kUnpadded);
}

std::string SignHs256WithPublicKey(const nlohmann::json& public_jwk, const std::string& kid,
                                   const nlohmann::json& claims) {
  const std::string input =
      B64(nlohmann::json{{"alg", "HS256"}, {"kid", kid}}.dump()) + "." + B64(claims.dump());
  const std::string secret = public_jwk.dump();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + B64(std::string(reinterpret_cast<char*>(mac), length));
}

}  // namespace aurite::security::testing
