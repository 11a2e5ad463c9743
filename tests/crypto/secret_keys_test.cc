// IsSecretKeyName: every family of secret-bearing key, in any case, and the
// keys known to hold no secret.
#include "crypto/secret_keys.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::crypto {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

TEST(SecretKeysTest, EveryFamilyOfSecretKeyIsSecretInAnyCase) {
  for (std::string_view name : {"password",
                                "passwd",
                                "pass",
                                "pwd",
                                "PWD",
                                "Password",
                                "sslpassword",
                                "passphrase",
                                "tls-passphrase",
                                "ssl_key_passphrase",
                                "passfile",
                                "secret",
                                "client_secret",
                                "token",
                                "auth_token",
                                "access_token",
                                "api_key",
                                "apikey",
                                "x-api-key",
                                "access_key",
                                "AccountKey",
                                "SharedAccessKey",
                                "private_key",
                                "sslkey",
                                "auth",
                                "Authorization",
                                "require_auth",
                                "credential",
                                "credentials",
                                "signature",
                                "sig"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(IsSecretKeyName(name));
    EXPECT_TRUE(IsSecretKeyName(Upper(name)));
  }
}

TEST(SecretKeysTest, KeysWithoutASecretAreNot) {
  for (std::string_view name :
       {"host", "hostaddr", "port", "user", "dbname", "sslmode", "sslrootcert", "sslcert",
        "application_name", "connect_timeout", "ssl-ca", "charset", "options", "signal", "sigma",
        "authSource", "AUTHMECHANISM", "auth_plugin"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(IsSecretKeyName(name));
  }
}

}  // namespace
}  // namespace aurite::crypto
