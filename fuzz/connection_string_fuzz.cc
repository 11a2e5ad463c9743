// Fuzzes connection-string parsing (src/sql/connection_string) and masking
// (src/security/masking) on arbitrary text; the dictionary and the seed
// corpus carry every accepted form, so mutations start from real strings.
//
// Properties: nothing crashes or hangs (ScrubSecrets included);
// FindSecretParts returns sorted, non-overlapping spans inside the text;
// MaskSecrets is ReplaceSpans of them; and the Masked() form of whatever
// parses does not depend on its password or secret options.
#include <string>

#include "crypto/secret_buffer.h"
#include "fuzz/fuzz_check.h"
#include "security/masking.h"
#include "sql/connection_string.h"

namespace {

using aurite::fuzz::Check;
namespace security = aurite::security;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto spans = security::FindSecretParts(text);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    Check(spans[i].begin < spans[i].end && spans[i].end <= text.size(), "spans lie in the text");
    if (i > 0) Check(spans[i - 1].end <= spans[i].begin, "spans are sorted and disjoint");
  }
  const std::string masked = security::MaskSecrets(text);
  Check(masked == security::ReplaceSpans(text, spans, security::kMask),
        "MaskSecrets replaces exactly the secret parts");
  (void)security::MaskedCredential(text);
  (void)security::IsSecretFreeConnectionString(text);

  auto config = aurite::sql::ParseConnectionString(text);
  if (!config.ok()) return 0;
  // Masked() must not depend on the secrets: the same config with other
  // secrets (empty ones kept empty) shows the same text.
  aurite::sql::ConnectionConfig other = config->Clone();
  const auto replacement = [](const aurite::crypto::SecretBuffer& secret) {
    return aurite::crypto::SecretBuffer::CopyFrom(secret.empty() ? "" : "other-secret");
  };
  other.password = replacement(config->password);
  for (auto& [name, value] : other.secret_options) value = replacement(value);
  Check(other.Masked() == config->Masked(), "Masked() shows nothing of the secrets");
  (void)config->ScrubSecrets(std::string(text));
  return 0;
}
