// Fuzzes masking (src/security/masking) and connection-string parsing
// (src/sql/connection_string) on connection strings made from the input in
// every accepted form (generated_connection_string.h): URIs of each scheme
// with the password percent-encoded or not, in user info or as a query
// parameter, libpq keyword/value (quoted and bare), ADO.NET, ODBC, JDBC and
// Oracle thin.
//
// Properties: masked text holds no upper-case letter, so no fragment of the
// password of three or more characters (only the password has upper-case
// letters, and each three of its characters hold one): MaskSecrets,
// MaskedCredential, ConnectionConfig::Masked and ScrubSecrets alike; a
// string with a password is never taken as secret-free; the forms the sql
// layer accepts parse back to exactly the password.
#include "fuzz/fuzz_check.h"
#include "fuzz/generated_connection_string.h"
#include "security/masking.h"
#include "sql/connection_string.h"

namespace {

using aurite::fuzz::Check;
using aurite::fuzz::HasUpperCase;
namespace security = aurite::security;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const auto generated = aurite::fuzz::GenerateConnectionString(provider);
  const std::string& text = generated.text;
  aurite::fuzz::Explain("connection string", text);
  aurite::fuzz::Explain("password", generated.password);
  aurite::fuzz::Explain("MaskSecrets", security::MaskSecrets(text));

  Check(!HasUpperCase(security::MaskSecrets(text)), "MaskSecrets hides the whole password");
  Check(!HasUpperCase(security::MaskedCredential(text)),
        "MaskedCredential hides the whole password");
  Check(!security::IsSecretFreeConnectionString(text),
        "a string with a password is not secret-free");

  if (!generated.parses) return 0;
  auto config = aurite::sql::ParseConnectionString(text);
  if (!config.ok()) aurite::fuzz::Explain("parse error", config.status().message());
  Check(config.ok(), "an accepted form parses");
  aurite::fuzz::Explain("parsed password", config->password.Reveal());
  Check(config->password.Reveal() == generated.password, "the password parses back exactly");
  Check(!HasUpperCase(config->Masked()), "ConnectionConfig::Masked hides the password");
  Check(!HasUpperCase(config->ScrubSecrets("login failed for \"" + generated.password + "\"")),
        "ScrubSecrets hides the password");
  return 0;
}
