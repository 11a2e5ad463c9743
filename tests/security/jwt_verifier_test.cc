// Access tokens (jwt_verifier.h, json_web_keys.h): keys made at run time,
// tokens signed by cjose (RSA, EC) and OpenSSL (Ed25519), and every way a
// token can be wrong, each refused for the reason it names.
#include "security/jwt_verifier.h"

#include <cjose/jwk.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "jose_test_support.h"

namespace aurite::security {
namespace {

using Json = nlohmann::json;
using SystemClock = std::chrono::system_clock;
using testing::B64;
using testing::CjoseKey;
using testing::EcKey;
using testing::Ed25519;
using testing::Ed25519Key;
using testing::RsaKey;
using testing::SignCjose;
using testing::SignEd25519;

class JwtVerifierTest : public ::testing::Test {
 protected:
  JwtVerifierTest() {
    rules_.issuer = "https://idp.example.test/realms/acme";
    rules_.audience = "https://aurite.example.test/mcp";
  }
  Json Claims(long lifetime_s = 300) const {
    const long now =
        std::chrono::duration_cast<std::chrono::seconds>(SystemClock::now().time_since_epoch())
            .count();
    return {{"iss", rules_.issuer},
            {"aud", rules_.audience},
            {"sub", "user-1"},
            {"iat", now},
            {"exp", now + lifetime_s}};
  }
  JsonWebKeySet Keys(const std::vector<Json>& jwks) const {
    StatusOr<JsonWebKeySet> keys = JsonWebKeySet::Parse(Json({{"keys", jwks}}).dump());
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    return std::move(keys).value();
  }
  StatusOr<Json> Verify(const std::string& token, const JsonWebKeySet& keys,
                        SystemClock::time_point now = SystemClock::now()) const {
    return VerifyAccessToken(token, keys, rules_, now);
  }
  // Refused (kUnauthenticated) for a reason containing `why`, never echoing the token.
  void ExpectRefused(const std::string& token, const JsonWebKeySet& keys, const std::string& why,
                     SystemClock::time_point now = SystemClock::now()) const {
    StatusOr<Json> verified = Verify(token, keys, now);
    ASSERT_FALSE(verified.ok()) << "accepted, expected refused for: " << why;
    EXPECT_EQ(verified.status().code(), StatusCode::kUnauthenticated)
        << verified.status().ToString();
    EXPECT_NE(verified.status().message().find(why), std::string::npos)
        << verified.status().message();
    if (token.size() > 20) {
      EXPECT_EQ(verified.status().message().find(token.substr(token.size() - 20)),
                std::string::npos);
    }
  }

  AccessTokenRules rules_;
};

TEST_F(JwtVerifierTest, EveryAcceptedAlgorithmVerifies) {
  CjoseKey rsa = RsaKey("rsa-1");
  CjoseKey ec256 = EcKey("ec-256");
  CjoseKey ec384 = EcKey("ec-384", CJOSE_JWK_EC_P_384);
  Ed25519 ed = Ed25519Key("ed-1");
  JsonWebKeySet keys = Keys({rsa.public_jwk, ec256.public_jwk, ec384.public_jwk, ed.public_jwk});
  EXPECT_EQ(keys.size(), 4u);
  const std::vector<std::string> tokens = {
      SignCjose(rsa.key.get(), "RS256", "rsa-1", Claims()),
      SignCjose(rsa.key.get(), "PS256", "rsa-1", Claims()),
      SignCjose(rsa.key.get(), "RS512", "rsa-1", Claims()),
      SignCjose(ec256.key.get(), "ES256", "ec-256", Claims()),
      SignCjose(ec384.key.get(), "ES384", "ec-384", Claims()),
      SignEd25519(ed.key.get(), "ed-1", Claims()),
  };
  for (const std::string& token : tokens) {
    StatusOr<Json> verified = Verify(token, keys);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ((*verified)["sub"], "user-1");
  }
}

TEST_F(JwtVerifierTest, ATamperedTokenIsRefused) {
  CjoseKey rsa = RsaKey("rsa-1");
  Ed25519 ed = Ed25519Key("ed-1");
  JsonWebKeySet keys = Keys({rsa.public_jwk, ed.public_jwk});
  for (std::string token : {SignCjose(rsa.key.get(), "RS256", "rsa-1", Claims()),
                            SignEd25519(ed.key.get(), "ed-1", Claims())}) {
    // The same header and signature over claims that say someone else.
    Json other = Claims();
    other["sub"] = "admin";
    const std::size_t first = token.find('.'), second = token.find('.', first + 1);
    std::string forged = token.substr(0, first + 1) + B64(other.dump()) + token.substr(second);
    ExpectRefused(forged, keys, "signature does not verify");
  }
}

TEST_F(JwtVerifierTest, UnsignedAndHmacTokensAreRefusedWhateverTheKey) {
  CjoseKey rsa = RsaKey("rsa-1");
  JsonWebKeySet keys = Keys({rsa.public_jwk});
  const std::string claims = B64(Claims().dump());
  ExpectRefused(B64(R"({"alg":"none","kid":"rsa-1"})") + "." + claims + ".", keys,
                "unsigned and HMAC tokens are never accepted");
  // The classic confusion: HS256 keyed with the RSA public key's JSON.
  const std::string secret = rsa.public_jwk.dump();
  cjose_err error;
  std::unique_ptr<cjose_jwk_t, CjoseKeyRelease> oct(cjose_jwk_create_oct_spec(
      reinterpret_cast<const uint8_t*>(secret.data()), secret.size(), &error));
  ExpectRefused(SignCjose(oct.get(), "HS256", "rsa-1", Claims()), keys,
                "unsigned and HMAC tokens are never accepted");
}

TEST_F(JwtVerifierTest, SymmetricAndWeakKeysInTheIssuersSetAreNeverUsed) {
  CjoseKey weak = RsaKey("weak", 1024);
  Json oct = {{"kty", "oct"}, {"kid", "hmac"}, {"k", B64("a shared secret of some length")}};
  StatusOr<JsonWebKeySet> only_unusable =
      JsonWebKeySet::Parse(Json({{"keys", {weak.public_jwk, oct}}}).dump());
  ASSERT_FALSE(only_unusable.ok());
  EXPECT_NE(only_unusable.status().message().find("no usable signing key"), std::string::npos);
  CjoseKey rsa = RsaKey("rsa-1");
  JsonWebKeySet keys = Keys({weak.public_jwk, oct, rsa.public_jwk});
  EXPECT_EQ(keys.size(), 1u);
  StatusOr<Json> with_weak = Verify(SignCjose(weak.key.get(), "RS256", "weak", Claims()), keys);
  EXPECT_EQ(with_weak.status().code(), StatusCode::kNotFound) << with_weak.status().ToString();
}

TEST_F(JwtVerifierTest, AKeyServesOnlyTheAlgorithmItFits) {
  CjoseKey ec = EcKey("ec-1");
  Json pinned = RsaKey("rsa-pinned").public_jwk;
  pinned["alg"] = "PS256";
  CjoseKey rsa = RsaKey("rsa-1");
  JsonWebKeySet keys = Keys({ec.public_jwk, pinned, rsa.public_jwk});
  // An RS256 header on a token whose kid names the EC key.
  ExpectRefused(SignCjose(rsa.key.get(), "RS256", "ec-1", Claims()), keys, "does not fit its key");
  ExpectRefused(SignCjose(rsa.key.get(), "RS256", "rsa-pinned", Claims()), keys,
                "does not fit its key");
}

TEST_F(JwtVerifierTest, ClaimsAreCheckedWithBoundedSkew) {
  CjoseKey rsa = RsaKey("rsa-1");
  JsonWebKeySet keys = Keys({rsa.public_jwk});
  auto sign = [&](const Json& claims) {
    return SignCjose(rsa.key.get(), "RS256", "rsa-1", claims);
  };
  Json claims = Claims();
  claims["iss"] = "https://idp.example.test/realms/other";
  ExpectRefused(sign(claims), keys, "not issued by https://idp.example.test/realms/acme");
  claims = Claims();
  claims["aud"] = "https://someone-else.example.test/mcp";
  ExpectRefused(sign(claims), keys, "not meant for https://aurite.example.test/mcp");
  claims["aud"] = {"https://someone-else.example.test/mcp", rules_.audience};
  EXPECT_TRUE(Verify(sign(claims), keys).ok()) << "an audience array that holds ours";
  claims = Claims();
  claims.erase("exp");
  ExpectRefused(sign(claims), keys, "no expiry");
  claims["exp"] = "tomorrow";
  ExpectRefused(sign(claims), keys, "\"exp\" is not a number");

  // Expired 30 s ago: within the 60 s skew; 90 s ago: not.
  const std::string expiring = sign(Claims(0));
  EXPECT_TRUE(Verify(expiring, keys, SystemClock::now() + std::chrono::seconds(30)).ok());
  ExpectRefused(expiring, keys, "has expired", SystemClock::now() + std::chrono::seconds(90));
  claims = Claims(3600);
  claims["nbf"] = claims["iat"].get<long>() + 600;
  ExpectRefused(sign(claims), keys, "not valid yet");
  EXPECT_TRUE(Verify(sign(claims), keys, SystemClock::now() + std::chrono::seconds(570)).ok());
}

TEST_F(JwtVerifierTest, MalformedTokensAndHeadersAreRefusedClearly) {
  CjoseKey rsa = RsaKey("rsa-1");
  JsonWebKeySet keys = Keys({rsa.public_jwk});
  ExpectRefused("not-a-jwt", keys, "not a JWT");
  ExpectRefused("a.b.c.d", keys, "not a JWT");
  ExpectRefused("%%%." + B64("{}") + ".sig", keys, "header is not base64url");
  ExpectRefused(B64("[1,2]") + "." + B64("{}") + ".sig", keys, "header is not a JSON object");
  ExpectRefused(SignCjose(rsa.key.get(), "RS256", "rsa-1", Claims(), {{"crit", {"exp"}}}), keys,
                "critical extensions");
  ExpectRefused(SignCjose(rsa.key.get(), "RS256", "rsa-1", Claims(), {{"typ", "JOSE+JSON"}}), keys,
                "is not JWT or at+jwt");
  EXPECT_TRUE(
      Verify(SignCjose(rsa.key.get(), "RS256", "rsa-1", Claims(), {{"typ", "at+jwt"}}), keys).ok());
  ExpectRefused(std::string(kMaxAccessTokenBytes + 1, 'a'), keys, "longer than");
}

// cjose's base64url decoder asserts (aborts the process) on a length of 1
// mod 4: such a signature, payload or key member must be refused before
// cjose sees it (found by jwt_fuzz).
TEST_F(JwtVerifierTest, MalformedBase64NeverReachesCjose) {
  CjoseKey rsa = RsaKey("rsa-1");
  JsonWebKeySet keys = Keys({rsa.public_jwk});
  std::string token = SignCjose(rsa.key.get(), "RS256", "rsa-1", Claims());
  const std::string signature = token.substr(token.rfind('.') + 1);
  token.resize(token.size() - signature.size());
  token += signature.substr(0, signature.size() - signature.size() % 4 + 1);
  ExpectRefused(token, keys, "signature is not base64url");

  // The payload too: one of 1 mod 4 characters, before the signature is
  // checked (a client needs no key to send one).
  const std::string good = SignCjose(rsa.key.get(), "RS256", "rsa-1", Claims());
  const std::size_t first = good.find('.'), second = good.find('.', first + 1);
  std::string payload = good.substr(first + 1, second - first - 1);
  payload.resize(payload.size() - payload.size() % 4 + 1);
  ExpectRefused(good.substr(0, first + 1) + payload + good.substr(second), keys,
                "payload is not base64url");

  Json bad_n = rsa.public_jwk;
  bad_n["kid"] = "bad-n";
  bad_n["n"] = bad_n["n"].get<std::string>().substr(0, 341);  // 341 = 1 mod 4
  JsonWebKeySet kept = Keys({bad_n, rsa.public_jwk});
  EXPECT_EQ(kept.size(), 1u) << "the key with a malformed modulus was kept";
}

TEST_F(JwtVerifierTest, AnUnknownKeyIdIsNotFoundSoTheCallerCanRefetch) {
  CjoseKey old_key = RsaKey("2025");
  CjoseKey new_key = RsaKey("2026");
  JsonWebKeySet keys = Keys({old_key.public_jwk});
  StatusOr<Json> rotated = Verify(SignCjose(new_key.key.get(), "RS256", "2026", Claims()), keys);
  EXPECT_EQ(rotated.status().code(), StatusCode::kNotFound) << rotated.status().ToString();
  // Without a kid, the one key that fits is used; with two, none is guessed.
  EXPECT_TRUE(Verify(SignCjose(old_key.key.get(), "RS256", "", Claims()), keys).ok());
  JsonWebKeySet two = Keys({old_key.public_jwk, new_key.public_jwk});
  EXPECT_EQ(Verify(SignCjose(old_key.key.get(), "RS256", "", Claims()), two).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace aurite::security
