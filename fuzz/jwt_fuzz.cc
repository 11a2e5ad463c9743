// Fuzzes access-token checking (src/security/jwt_verifier, json_web_keys):
// an input that starts with '{' is an issuer's JWKS document, anything else
// a bearer token checked against keys made at start-up (RSA, EC, Ed25519,
// with private halves the fuzzer never sees).
//
// Properties: no token the fuzzer makes is ever accepted (it cannot sign
// with keys it does not hold, so an accepted one is a forgery: an algorithm
// or key confusion, or a signature check skipped); a refusal never echoes
// a three-part token; a JWKS document either parses into at least one key or is
// refused with a message, and a key it yields is found by its kid.
#include <cjose/jwk.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/base64url.h"
#include "fuzz/fuzz_check.h"
#include "security/json_web_keys.h"
#include "security/jwt_verifier.h"

namespace {

using aurite::fuzz::Check;
using aurite::security::AccessTokenRules;
using aurite::security::JsonWebKeySet;
using Json = nlohmann::json;

Json PublicJwk(cjose_jwk_t* key, const char* kid) {
  cjose_err error;
  cjose_jwk_set_kid(key, kid, std::strlen(kid), &error);
  char* text = cjose_jwk_to_json(key, false, &error);
  Json jwk = Json::parse(text);
  std::free(text);
  cjose_jwk_release(key);
  return jwk;
}

Json Ed25519Jwk() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  EVP_PKEY_keygen_init(context);
  EVP_PKEY_keygen(context, &key);
  EVP_PKEY_CTX_free(context);
  unsigned char raw[32];
  std::size_t length = sizeof raw;
  EVP_PKEY_get_raw_public_key(key, raw, &length);
  EVP_PKEY_free(key);
  return {{"kty", "OKP"},
          {"crv", "Ed25519"},
          {"kid", "ed"},
          {"x", aurite::crypto::Base64UrlEncode(std::span(raw, length),
                                                aurite::crypto::Padding::kUnpadded)}};
}

const JsonWebKeySet& Keys() {
  static const JsonWebKeySet keys = [] {
    static const uint8_t kExponent[] = {0x01, 0x00, 0x01};
    cjose_err error;
    Json jwks = {
        {"keys",
         {PublicJwk(cjose_jwk_create_RSA_random(2048, kExponent, 3, &error), "rsa"),
          PublicJwk(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &error), "ec"), Ed25519Jwk()}}};
    return JsonWebKeySet::Parse(jwks.dump()).value();
  }();
  return keys;
}

void CheckDocument(std::string_view document) {
  auto parsed = JsonWebKeySet::Parse(document);
  if (!parsed.ok()) {
    Check(!parsed.status().message().empty(), "a refused JWKS says why");
    return;
  }
  Check(parsed->size() > 0, "a parsed JWKS holds a key");
  const Json json = Json::parse(document, nullptr, false);
  for (const Json& key : json["keys"]) {
    if (!key.is_object() || !key.contains("kid") || !key["kid"].is_string()) continue;
    // A kid the set kept must be found; one it skipped must not be.
    if (const auto* found = parsed->Find(key["kid"].get<std::string>(), "RS256")) {
      Check(found->kid == key["kid"], "Find returns the key with the kid asked for");
    }
  }
}

void CheckToken(std::string_view token) {
  AccessTokenRules rules;
  rules.issuer = "https://idp.example.test";
  rules.audience = "https://aurite.example.test/mcp";
  auto verified =
      aurite::security::VerifyAccessToken(token, Keys(), rules, std::chrono::system_clock::now());
  Check(!verified.ok(), "no token the fuzzer made is accepted");
  // Only a three-part token can be told from our own message text: no
  // message before the signature check holds two dots.
  if (std::count(token.begin(), token.end(), '.') == 2) {
    Check(verified.status().message().find(token) == std::string::npos,
          "a refusal does not echo the token");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input.front() == '{') {
    CheckDocument(input);
  } else {
    CheckToken(input);
  }
  return 0;
}
