// Tests of redaction: every form of a live secret and every detected secret
// disappears; other text stays as it was.
#include "security/redactor.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "test_support.h"

namespace aurite::security {
namespace {

using crypto::SecretBuffer;
using testing::kCanaryPassword;

Redactor RedactorFor(const std::vector<SecretBuffer>& secrets) {
  std::vector<const SecretBuffer*> pointers;
  for (const SecretBuffer& s : secrets) pointers.push_back(&s);
  return Redactor(pointers, SharedDetector());
}

TEST(RedactorTest, RemovesTheWholeLiveSecret) {
  std::vector<SecretBuffer> secrets;
  secrets.push_back(SecretBuffer::CopyFrom("opaque-value-1234"));
  Redactor redactor = RedactorFor(secrets);
  EXPECT_EQ(redactor.Redact("got opaque-value-1234 back"), "got [REDACTED] back");
}

TEST(RedactorTest, RemovesThePasswordPartAloneInEveryForm) {
  std::vector<SecretBuffer> secrets;
  secrets.push_back(SecretBuffer::CopyFrom("host=db user=u password='p@ss:w/rd;\\'\"}%=&#+ ü'"));
  Redactor redactor = RedactorFor(secrets);
  const std::string raw = "p@ss:w/rd;\\'\"}%=&#+ ü";
  std::string json_escaped = nlohmann::json(raw).dump();
  json_escaped = json_escaped.substr(1, json_escaped.size() - 2);
  std::string ascii_escaped = nlohmann::json(raw).dump(-1, ' ', true);
  ascii_escaped = ascii_escaped.substr(1, ascii_escaped.size() - 2);
  for (const std::string& form :
       {raw, json_escaped, ascii_escaped,
        std::string("p%40ss%3Aw%2Frd%3B%5C%27%22%7D%25%3D%26%23%2B%20%C3%BC")}) {
    std::string redacted = redactor.Redact("error: " + form + " rejected");
    EXPECT_EQ(redacted, "error: [REDACTED] rejected") << form;
  }
}

// Found by fuzz/redaction_fuzz: a quoted password with escapes reaches the
// database unescaped, and an error message may echo it so.
TEST(RedactorTest, RemovesAQuotedPasswordAsTheDatabaseGetsIt) {
  const struct {
    std::string connection_string;
    std::string password;
  } cases[] = {
      {"host=db user=u password='it\\'s \\\\ok' dbname=app", "it's \\ok"},
      {"Server=db;User Id=u;Password=\"a;b\"\"c\";Database=app", "a;b\"c"},
      {"Server=db;User Id=u;Password='a;b''c';Database=app", "a;b'c"},
      {"Driver={x};Server=db;Uid=u;Pwd={XwwN}}GXw}}BJz};Database=app", "XwwN}GXw}BJz"},
      // Found by a 10-minute redaction_fuzz run: read without backslashes
      // (ADO.NET), the quote runs to the end, and the mask covers that
      // longer reading; libpq's value, ending at the escaped quote, must
      // still be found, so each reading is read from the opening quote.
      {"host=o user=u password='FAKEpw\\'' dbname=fa", "FAKEpw'"},
  };
  for (const auto& c : cases) {
    std::vector<SecretBuffer> secrets;
    secrets.push_back(SecretBuffer::CopyFrom(c.connection_string));
    Redactor redactor = RedactorFor(secrets);
    EXPECT_EQ(redactor.Redact("login failed for '" + c.password + "'"),
              "login failed for '[REDACTED]'")
        << c.connection_string;
  }
}

TEST(RedactorTest, RemovesPercentDecodedUriPassword) {
  std::vector<SecretBuffer> secrets;
  secrets.push_back(SecretBuffer::CopyFrom("postgres://u:s3cr%40t%3Aok@h/db"));
  Redactor redactor = RedactorFor(secrets);
  EXPECT_EQ(redactor.Redact("auth failed for s3cr@t:ok"), "auth failed for [REDACTED]");
  EXPECT_EQ(redactor.Redact("auth failed for s3cr%40t%3Aok"), "auth failed for [REDACTED]");
}

TEST(RedactorTest, RemovesBase64FormsOfTheSecret) {
  std::vector<SecretBuffer> secrets;
  secrets.push_back(SecretBuffer::CopyFrom("\xfb\xff?value>>>?1234"));
  Redactor redactor = RedactorFor(secrets);
  EXPECT_EQ(redactor.Redact("std +/8/dmFsdWU+Pj4/MTIzNA== end"), "std [REDACTED]== end");
  EXPECT_EQ(redactor.Redact("url -_8_dmFsdWU-Pj4_MTIzNA end"), "url [REDACTED] end");
}

TEST(RedactorTest, RemovesDetectedSecretsWithoutLiveSecrets) {
  Redactor redactor = RedactorFor({});
  EXPECT_EQ(redactor.Redact(R"({"password":"hunter22","user":"bob"})"),
            R"({"password":"[REDACTED]","user":"bob"})");
}

TEST(RedactorTest, LeavesTextWithoutSecretsUnchanged) {
  std::vector<SecretBuffer> secrets;
  secrets.push_back(SecretBuffer::CopyFrom("postgres://u:pw1234@h/db"));
  Redactor redactor = RedactorFor(secrets);
  std::string text = R"({"rows":[[1,"alice"],[2,"bob"]],"columns":["id","name"]})";
  EXPECT_EQ(redactor.Redact(text), text);
}

TEST(RedactorTest, KeepsJsonValidWhenRedactingInsideStrings) {
  std::vector<SecretBuffer> secrets;
  secrets.push_back(SecretBuffer::CopyFrom(kCanaryPassword));
  Redactor redactor = RedactorFor(secrets);
  std::string json = nlohmann::json({{"error", "bad password " + kCanaryPassword}}).dump();
  std::string redacted = redactor.Redact(json);
  EXPECT_EQ(redacted.find("w/rd"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::accept(redacted)) << redacted;
}

// What the gateway shows for a live secret is its masked form; redaction of
// the gateway's output must leave it as it is, and redacting twice changes
// nothing.
TEST(RedactorTest, TheMaskedFormOfALiveSecretPassesThroughRedactionUnchanged) {
  std::vector<SecretBuffer> secrets;
  for (const char* secret :
       {"postgresql://app:S3cret-pw1@db:5432/sales?sslmode=require",
        "mysql://app:S3cret-pw2@db/shop?ssl-passphrase=Phrase-pw3", "host=db password=S3cret-pw4",
        "sqlite:////var/lib/aurite/app.db", "sqlite:///relative/app.db",
        "sqlite::memory:", "postgresql://app@db/sales?sslmode=verify-full", "opaque-api-key-5"}) {
    secrets.push_back(SecretBuffer::CopyFrom(secret));
  }
  Redactor redactor = RedactorFor(secrets);
  for (const SecretBuffer& secret : secrets) {
    std::string masked = MaskedCredential(secret.Reveal());
    std::string json = nlohmann::json({{"masked_connection_string", masked}}).dump();
    EXPECT_EQ(redactor.Redact(masked), masked);
    EXPECT_EQ(redactor.Redact(json), json);
    std::string redacted = redactor.Redact(std::string(secret.Reveal()));
    EXPECT_EQ(redactor.Redact(redacted), redacted);
  }
  EXPECT_EQ(redactor.Redact("url postgresql://app:S3cret-pw1@db:5432/sales?sslmode=require"),
            "url [REDACTED]");
  EXPECT_EQ(redactor.Redact("bad passphrase Phrase-pw3"), "bad passphrase [REDACTED]");
  EXPECT_EQ(redactor.Redact("key opaque-api-key-5"), "key [REDACTED]");
}

}  // namespace
}  // namespace aurite::security
