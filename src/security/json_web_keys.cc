// Parsing an issuer's JWKS document into the keys jwt_verifier.cc uses.
#include "security/json_web_keys.h"

#include <cjose/jwk.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "crypto/base64url.h"

namespace aurite::security {

void CjoseKeyRelease::operator()(_cjose_jwk_int* key) const { cjose_jwk_release(key); }

namespace {

using Json = nlohmann::json;

constexpr std::size_t kSmallestRsaModulusBytes = 2048 / 8;
constexpr std::size_t kEd25519KeyBytes = 32;

std::string StringMember(const Json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The length in bytes of the base64url number `member` of `key`.
std::size_t NumberBytes(const Json& key, const char* member) {
  auto decoded = crypto::Base64UrlDecode(StringMember(key, member), crypto::Padding::kUnpadded);
  if (!decoded.ok()) return 0;
  std::size_t bytes = decoded->size();
  for (unsigned char byte : *decoded) {  // leading zero octets do not count
    if (byte != 0) break;
    --bytes;
  }
  return bytes;
}

// Whether every member of `key` that cjose decodes is canonical base64url:
// cjose's own decoder asserts (aborts the process) on some malformed
// lengths, so nothing it decodes may reach it unchecked.
bool MembersAreBase64Url(const Json& key) {
  for (const char* member : {"n", "e", "x", "y"}) {
    auto it = key.find(member);
    if (it == key.end()) continue;
    if (!it->is_string()) return false;
    if (!crypto::Base64UrlDecode(it->get<std::string>(), crypto::Padding::kUnpadded).ok()) {
      return false;
    }
  }
  return true;
}

// A public RSA or EC key, through cjose; nullopt when it is unusable.
std::optional<JsonWebKey> RsaOrEcKey(const Json& key, JsonWebKey made) {
  if (!MembersAreBase64Url(key)) return std::nullopt;
  if (made.kty == "RSA" && NumberBytes(key, "n") < kSmallestRsaModulusBytes) return std::nullopt;
  if (made.kty == "EC" && made.crv != "P-256" && made.crv != "P-384" && made.crv != "P-521") {
    return std::nullopt;
  }
  // Only the public members go to cjose: a JWKS that carried private ones
  // by mistake must not make us hold them.
  Json public_part = {{"kty", made.kty}};
  for (const char* member : {"n", "e", "crv", "x", "y"}) {
    if (key.contains(member)) public_part[member] = key[member];
  }
  const std::string text = public_part.dump();
  cjose_err error;
  made.jose.reset(cjose_jwk_import(text.data(), text.size(), &error));
  if (!made.jose) return std::nullopt;
  return made;
}

std::optional<JsonWebKey> Ed25519Key(const Json& key, JsonWebKey made) {
  if (made.crv != "Ed25519") return std::nullopt;
  auto x = crypto::Base64UrlDecode(StringMember(key, "x"), crypto::Padding::kUnpadded);
  if (!x.ok() || x->size() != kEd25519KeyBytes) return std::nullopt;
  made.okp.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x->data(), x->size()));
  if (!made.okp) return std::nullopt;
  return made;
}

std::optional<JsonWebKey> UsableKey(const Json& key) {
  if (!key.is_object()) return std::nullopt;
  const std::string use = StringMember(key, "use");
  if (!use.empty() && use != "sig") return std::nullopt;
  if (auto ops = key.find("key_ops"); ops != key.end()) {
    if (!ops->is_array() || std::find(ops->begin(), ops->end(), "verify") == ops->end()) {
      return std::nullopt;
    }
  }
  JsonWebKey made;
  made.kid = StringMember(key, "kid");
  made.kty = StringMember(key, "kty");
  made.crv = StringMember(key, "crv");
  if (key.contains("alg")) made.alg = StringMember(key, "alg");
  if (made.kty == "RSA" || made.kty == "EC") return RsaOrEcKey(key, std::move(made));
  if (made.kty == "OKP") return Ed25519Key(key, std::move(made));
  return std::nullopt;  // "oct" and anything unknown
}

}  // namespace

StatusOr<JsonWebKeySet> JsonWebKeySet::Parse(std::string_view document) {
  const Json parsed = Json::parse(document, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("keys") || !parsed["keys"].is_array()) {
    return InvalidArgumentError(
        "the issuer's JWKS document is not a JSON object with a \"keys\" array (RFC 7517)");
  }
  JsonWebKeySet set;
  for (const Json& key : parsed["keys"]) {
    if (auto usable = UsableKey(key)) set.keys_.push_back(std::move(*usable));
  }
  if (set.keys_.empty()) {
    return InvalidArgumentError(
        "the issuer's JWKS document has no usable signing key (RSA of 2048 bits or more, EC on "
        "P-256/P-384/P-521, or Ed25519)");
  }
  return set;
}

bool KeyFitsAlgorithm(const JsonWebKey& key, std::string_view alg) {
  if (key.alg && *key.alg != alg) return false;
  if (alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "PS384" ||
      alg == "PS512") {
    return key.kty == "RSA";
  }
  if (alg == "ES256") return key.kty == "EC" && key.crv == "P-256";
  if (alg == "ES384") return key.kty == "EC" && key.crv == "P-384";
  if (alg == "ES512") return key.kty == "EC" && key.crv == "P-521";
  if (alg == "EdDSA") return key.kty == "OKP" && key.crv == "Ed25519";
  return false;
}

const JsonWebKey* JsonWebKeySet::Find(std::string_view kid, std::string_view alg) const {
  const JsonWebKey* found = nullptr;
  for (const JsonWebKey& key : keys_) {
    if (!kid.empty()) {
      if (key.kid == kid) return &key;
      continue;
    }
    if (!KeyFitsAlgorithm(key, alg)) continue;
    if (found != nullptr) return nullptr;  // ambiguous without a kid
    found = &key;
  }
  return found;
}

}  // namespace aurite::security
