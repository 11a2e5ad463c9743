// The Fernet specification's acceptance vectors (tests/data/fernet, copied
// from github.com/fernet/spec; see SOURCE.txt there).
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "crypto/fernet.h"

namespace aurite::crypto {
namespace {

using nlohmann::json;

json LoadVectors(const std::string& name) {
  std::ifstream in(std::string(AURITE_TESTDATA_DIR) + "/fernet/" + name);
  EXPECT_TRUE(in.good()) << "missing test vectors " << name;
  return json::parse(in);
}

// Parses the vectors' RFC 3339 times, e.g. "1985-10-26T01:20:00-07:00".
std::uint64_t ParseRfc3339(const std::string& text) {
  std::tm tm{};
  int offset_hours = 0;
  int offset_minutes = 0;
  char sign = '+';
  int fields =
      std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &offset_hours, &offset_minutes);
  EXPECT_EQ(fields, 9) << text;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::int64_t offset = (offset_hours * 3600 + offset_minutes * 60) * (sign == '-' ? -1 : 1);
  return static_cast<std::uint64_t>(timegm(&tm) - offset);
}

Fernet FernetFor(const json& vector) {
  StatusOr<FernetKey> key = FernetKey::FromText(vector["secret"].get<std::string>());
  EXPECT_TRUE(key.ok());
  return Fernet(std::move(key).value());
}

TEST(FernetVectorsTest, ParsesTheVectorClock) {
  EXPECT_EQ(ParseRfc3339("1985-10-26T01:20:00-07:00"), 499162800u);
}

TEST(FernetVectorsTest, GenerateReproducesEveryToken) {
  json vectors = LoadVectors("generate.json");
  ASSERT_FALSE(vectors.empty());
  for (const json& vector : vectors) {
    std::vector<unsigned char> iv = vector["iv"].get<std::vector<unsigned char>>();
    ASSERT_EQ(iv.size(), Fernet::kIvSize);
    std::string src = vector["src"].get<std::string>();
    std::string token = FernetFor(vector).EncryptAt(
        std::span(reinterpret_cast<const unsigned char*>(src.data()), src.size()),
        ParseRfc3339(vector["now"]),
        std::span<const unsigned char, Fernet::kIvSize>(iv.data(), 16));
    EXPECT_EQ(token, vector["token"].get<std::string>());
  }
}

TEST(FernetVectorsTest, VerifyDecryptsEveryToken) {
  json vectors = LoadVectors("verify.json");
  ASSERT_FALSE(vectors.empty());
  for (const json& vector : vectors) {
    DecryptOptions options{std::chrono::seconds(vector["ttl_sec"].get<int>()),
                           ParseRfc3339(vector["now"])};
    StatusOr<SecretBuffer> plaintext =
        FernetFor(vector).Decrypt(vector["token"].get<std::string>(), options);
    ASSERT_TRUE(plaintext.ok()) << plaintext.status().ToString();
    EXPECT_EQ(plaintext->Reveal(), vector["src"].get<std::string>());
  }
}

TEST(FernetVectorsTest, RejectsEveryInvalidToken) {
  json vectors = LoadVectors("invalid.json");
  ASSERT_EQ(vectors.size(), 8u);
  for (const json& vector : vectors) {
    DecryptOptions options{std::chrono::seconds(vector["ttl_sec"].get<int>()),
                           ParseRfc3339(vector["now"])};
    StatusOr<SecretBuffer> plaintext =
        FernetFor(vector).Decrypt(vector["token"].get<std::string>(), options);
    EXPECT_FALSE(plaintext.ok()) << vector["desc"];
    EXPECT_EQ(plaintext.status().message(), InvalidFernetTokenError().message()) << vector["desc"];
  }
}

}  // namespace
}  // namespace aurite::crypto
