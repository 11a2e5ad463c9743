// The checks of jwt_verifier.h, in the order that refuses a bad token
// cheapest: its shape, its header, its key, its signature, then its claims.
#include "security/jwt_verifier.h"

#include <cjose/jws.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/openssl_handles.h"

namespace aurite::security {
namespace {

using Json = nlohmann::json;

Status Refused(const std::string& why) {
  return UnauthenticatedError("the access token was refused: " + why);
}

struct CompactParts {
  std::string_view header, payload, signature;
};

StatusOr<CompactParts> SplitCompact(std::string_view token) {
  const std::size_t first = token.find('.');
  const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Refused("it is not a JWT (three base64url parts joined by dots)");
  }
  return CompactParts{token.substr(0, first), token.substr(first + 1, second - first - 1),
                      token.substr(second + 1)};
}

StatusOr<Json> DecodeJsonPart(std::string_view part, const char* what) {
  auto bytes = crypto::Base64UrlDecode(part, crypto::Padding::kUnpadded);
  if (!bytes.ok()) return Refused(std::string("its ") + what + " is not base64url");
  Json parsed = Json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (!parsed.is_object()) return Refused(std::string("its ") + what + " is not a JSON object");
  return parsed;
}

bool IsAcceptedAlgorithm(std::string_view alg) {
  static constexpr std::array<std::string_view, 10> kAccepted = {
      "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"};
  return std::find(kAccepted.begin(), kAccepted.end(), alg) != kAccepted.end();
}

Status CheckHeader(const Json& header) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return Refused("its header names no algorithm");
  if (!IsAcceptedAlgorithm(alg->get<std::string>())) {
    return Refused(
        "its algorithm is not one of RS256, PS256, ES256, EdDSA (or their 384 and "
        "512 forms); unsigned and HMAC tokens are never accepted");
  }
  if (header.contains("crit")) return Refused("its header has critical extensions (\"crit\")");
  if (auto typ = header.find("typ"); typ != header.end()) {
    std::string value = typ->is_string() ? typ->get<std::string>() : "";
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (value != "jwt" && value != "at+jwt" && value != "application/at+jwt") {
      return Refused("its type (\"typ\") is not JWT or at+jwt");
    }
  }
  if (auto kid = header.find("kid"); kid != header.end() && !kid->is_string()) {
    return Refused("its key id (\"kid\") is not a string");
  }
  return OkStatus();
}

bool VerifiedWithCjose(std::string_view token, const JsonWebKey& key) {
  struct Release {
    void operator()(cjose_jws_t* jws) const { cjose_jws_release(jws); }
  };
  cjose_err error;
  std::unique_ptr<cjose_jws_t, Release> jws(cjose_jws_import(token.data(), token.size(), &error));
  return jws && cjose_jws_verify(jws.get(), key.jose.get(), &error);
}

bool VerifiedEd25519(const CompactParts& parts, const std::vector<unsigned char>& signature,
                     const JsonWebKey& key) {
  const std::size_t signed_length = parts.header.size() + 1 + parts.payload.size();
  const auto* signed_bytes = reinterpret_cast<const unsigned char*>(parts.header.data());
  crypto::MdCtx context(EVP_MD_CTX_new());
  return context &&
         EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.okp.get()) == 1 &&
         EVP_DigestVerify(context.get(), signature.data(), signature.size(), signed_bytes,
                          signed_length) == 1;
}

// A NumericDate claim, or nullopt when absent; an error when malformed.
StatusOr<std::optional<double>> NumericDate(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<double>();
  if (!it->is_number()) return Refused(std::string("its \"") + name + "\" is not a number");
  return std::optional<double>(it->get<double>());
}

bool HasAudience(const Json& claims, const std::string& audience) {
  auto aud = claims.find("aud");
  if (aud == claims.end()) return false;
  if (aud->is_string()) return *aud == audience;
  return aud->is_array() && std::find(aud->begin(), aud->end(), audience) != aud->end();
}

Status CheckClaims(const Json& claims, const AccessTokenRules& rules,
                   std::chrono::system_clock::time_point now) {
  if (claims.value("iss", Json()) != rules.issuer) {
    return Refused("it was not issued by " + rules.issuer);
  }
  if (!HasAudience(claims, rules.audience)) return Refused("it is not meant for " + rules.audience);
  const double seconds_now = std::chrono::duration<double>(now.time_since_epoch()).count();
  const double skew = static_cast<double>(rules.max_skew.count());
  AURITE_ASSIGN_OR_RETURN(std::optional<double> expires, NumericDate(claims, "exp"));
  if (!expires) return Refused("it has no expiry (\"exp\")");
  if (seconds_now >= *expires + skew) return Refused("it has expired");
  AURITE_ASSIGN_OR_RETURN(std::optional<double> not_before, NumericDate(claims, "nbf"));
  if (not_before && seconds_now < *not_before - skew) return Refused("it is not valid yet");
  return OkStatus();
}

}  // namespace

StatusOr<Json> VerifyAccessToken(std::string_view token, const JsonWebKeySet& keys,
                                 const AccessTokenRules& rules,
                                 std::chrono::system_clock::time_point now) {
  if (token.size() > kMaxAccessTokenBytes) {
    return Refused("it is longer than " + std::to_string(kMaxAccessTokenBytes) + " bytes");
  }
  AURITE_ASSIGN_OR_RETURN(CompactParts parts, SplitCompact(token));
  AURITE_ASSIGN_OR_RETURN(Json header, DecodeJsonPart(parts.header, "header"));
  AURITE_RETURN_IF_ERROR(CheckHeader(header));
  const std::string alg = header["alg"].get<std::string>();
  const std::string kid = header.value("kid", "");
  const JsonWebKey* key = keys.Find(kid, alg);
  if (key == nullptr) {
    return NotFoundError(
        kid.empty() ? "the access token names no key id, and no single key of its issuer fits it"
                    : "the access token's key id is not among its issuer's keys");
  }
  if (!KeyFitsAlgorithm(*key, alg)) return Refused("its algorithm does not fit its key");
  // Every part is decoded here before cjose sees the token, not left to
  // cjose: its base64url decoder asserts (aborts the whole process) on
  // some malformed lengths, which an unauthenticated client could send.
  // The payload is only trusted once the signature verifies.
  AURITE_ASSIGN_OR_RETURN(Json claims, DecodeJsonPart(parts.payload, "payload"));
  auto signature = crypto::Base64UrlDecode(parts.signature, crypto::Padding::kUnpadded);
  if (!signature.ok()) return Refused("its signature is not base64url");
  const bool signed_right =
      key->okp ? VerifiedEd25519(parts, *signature, *key) : VerifiedWithCjose(token, *key);
  if (!signed_right) return Refused("its signature does not verify");
  AURITE_RETURN_IF_ERROR(CheckClaims(claims, rules, now));
  return claims;
}

}  // namespace aurite::security
