// Redactor: removes live secrets and detected secrets from text the host is
// about to emit (responses, log lines, error messages).
//
// For each live secret it knows the whole value and each password part alone
// (as FindSecretParts sees it, with quotes stripped, unescaped as the quoting
// says: "" '' }} doubling, libpq's backslashes, and percent-decoded too),
// each in raw, percent-encoded, JSON-escaped (with and without \u escapes)
// and base64 (standard and URL-safe) form. Every occurrence of any of those,
// and every span the Detector reports, becomes "[REDACTED]" (kRedacted).
//
// Masked forms pass through unchanged: the Detector reports no masked value
// (IsMaskedValue), and a secret-free connection string, which is its own
// masked form (MaskedCredential), is not searched for.
//
// Forms shorter than LiteralSet::kMinSize bytes are not searched for; the
// detection rules still cover such passwords when they appear in a recognised
// shape. A Redactor is immutable once built and safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret_buffer.h"
#include "security/detection.h"
#include "security/literal_set.h"

namespace aurite::security {

// Every form of `secret` the redactor looks for (see above).
std::vector<crypto::SecretBuffer> SecretForms(const crypto::SecretBuffer& secret);

class Redactor {
 public:
  // `secrets` are the live secrets; `detector` must outlive the Redactor.
  Redactor(const std::vector<const crypto::SecretBuffer*>& secrets, const Detector& detector);

  // The spans Redact() replaces, sorted and merged.
  std::vector<ByteSpan> FindSpans(std::string_view text) const;
  std::string Redact(std::string_view text) const;

 private:
  LiteralSet literals_;
  const Detector& detector_;
};

}  // namespace aurite::security
