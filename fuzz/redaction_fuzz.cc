// Fuzzes redaction (src/security/redactor): a Redactor that knows one live
// secret (a connection string made from the input in any form the masking
// rules know, generated_connection_string.h, or arbitrary bytes such as an
// API key) redacts text the fuzzer builds from filler and forms of it.
//
// Forms, derived here independently of the redactor: the whole secret and
// its password as the database gets it, each raw, percent-encoded,
// JSON-escaped (with and without \u escapes), and in standard and URL-safe
// base64 (unpadded: the padding is not part of the secret's text).
//
// Properties: every occurrence in the text of every form of four or more
// bytes (LiteralSet::kMinSize) lies inside a span the redactor replaces;
// Redact() is ReplaceSpans over FindSpans().
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/secret_buffer.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/generated_connection_string.h"
#include "security/detection.h"
#include "security/literal_set.h"
#include "security/redactor.h"

namespace {

using aurite::fuzz::Check;
namespace security = aurite::security;
namespace crypto = aurite::crypto;

std::string PercentEncodedUpper(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string JsonEscaped(std::string_view text, bool ensure_ascii) {
  const std::string dumped =
      nlohmann::json(std::string(text))
          .dump(-1, ' ', ensure_ascii, nlohmann::json::error_handler_t::replace);
  return dumped.substr(1, dumped.size() - 2);
}

// Unpadded: the padding is not part of the secret's text.
std::string Base64(std::string_view text) {
  std::string out = aurite::fuzz::StandardBase64(text);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::vector<std::string> Forms(std::string_view value) {
  return {std::string(value),
          PercentEncodedUpper(value),
          JsonEscaped(value, false),
          JsonEscaped(value, true),
          Base64(value),
          crypto::Base64UrlEncode(
              std::span(reinterpret_cast<const unsigned char*>(value.data()), value.size()),
              crypto::Padding::kUnpadded)};
}

bool Covered(const std::vector<security::ByteSpan>& spans, std::size_t begin, std::size_t end) {
  for (const auto& span : spans) {
    if (span.begin <= begin && end <= span.end) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  std::string secret;
  std::vector<std::string> forms;
  if (provider.ConsumeBool()) {
    const auto generated = aurite::fuzz::GenerateConnectionString(provider);
    secret = generated.text;
    forms = Forms(generated.password);
  } else {
    secret = provider.ConsumeRandomLengthString(64);
  }
  // A secret-free connection string is its own masked form: not searched for.
  if (!security::IsSecretFreeConnectionString(secret)) {
    for (std::string& form : Forms(secret)) forms.push_back(std::move(form));
  }
  std::erase_if(
      forms, [](const std::string& form) { return form.size() < security::LiteralSet::kMinSize; });

  // Text: filler and forms, as many as the input says.
  std::string text = provider.ConsumeRandomLengthString(64);
  const int pieces = provider.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < pieces && !forms.empty(); ++i) {
    text += forms[provider.ConsumeIntegralInRange<std::size_t>(0, forms.size() - 1)];
    text += provider.ConsumeRandomLengthString(16);
  }
  text += provider.ConsumeRemainingBytesAsString();

  aurite::fuzz::Explain("secret", secret);
  aurite::fuzz::Explain("text", text);
  const crypto::SecretBuffer live = crypto::SecretBuffer::CopyFrom(secret);
  const security::Redactor redactor({&live}, security::SharedDetector());
  const auto spans = redactor.FindSpans(text);
  for (const std::string& form : forms) {
    for (std::size_t at = text.find(form); at != std::string::npos; at = text.find(form, at + 1)) {
      if (!Covered(spans, at, at + form.size())) aurite::fuzz::Explain("not redacted", form);
      Check(Covered(spans, at, at + form.size()), "every form of a live secret is redacted");
    }
  }
  Check(redactor.Redact(text) == security::ReplaceSpans(text, spans, security::kRedacted),
        "Redact replaces exactly the spans it finds");
  return 0;
}
