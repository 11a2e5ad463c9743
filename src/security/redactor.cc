// Building the set of secret forms and redacting text with it.
#include "security/redactor.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "base/text.h"
#include "crypto/base64url.h"

namespace aurite::security {
namespace {

using crypto::SecretBuffer;

// The percent-encoded and -decoded forms of a secret, built straight into
// SecretBuffers.
SecretBuffer PercentEncoded(std::string_view text) {
  SecretBuffer out;
  PercentEncodeTo(text, [&out](std::string_view piece) { out.Append(piece); });
  return out;
}

SecretBuffer PercentDecoded(std::string_view text) {
  SecretBuffer out;
  PercentDecodeTo(text, BadEscape::kKeep, [&out](std::string_view piece) { out.Append(piece); });
  return out;
}

SecretBuffer JsonEscape(std::string_view text, bool ensure_ascii) {
  nlohmann::json value(nlohmann::json::value_t::string);
  std::string& held = value.get_ref<std::string&>();
  held.assign(text);
  std::string dumped = value.dump(-1, ' ', ensure_ascii, nlohmann::json::error_handler_t::replace);
  OPENSSL_cleanse(held.data(), held.size());
  SecretBuffer escaped = SecretBuffer::TakeFrom(dumped);
  // Drop the surrounding quotes.
  return SecretBuffer::CopyFrom(escaped.Reveal().substr(1, escaped.size() - 2));
}

SecretBuffer StandardBase64(std::string_view text) {
  SecretBuffer out(4 * ((text.size() + 2) / 3) + 1);
  int written = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  std::size_t size = static_cast<std::size_t>(written);
  while (size > 0 && out.data()[size - 1] == '=') --size;
  out.Truncate(size);
  return out;
}

// The value of a quoted part as the database reads it, from just after its
// opening quote to its closing `close` (or the end): with `backslash`,
// libpq's (\x is x); otherwise ADO.NET's and ODBC's (a doubled close quote,
// '' "" }}, is one). FindSecretParts gives the longer of the readings, so
// each is read here from the start, never by trimming the part's ends.
SecretBuffer QuotedValue(std::string_view after_open, char close, bool backslash) {
  SecretBuffer out;
  for (std::size_t i = 0; i < after_open.size(); ++i) {
    const bool escaped =
        i + 1 < after_open.size() &&
        (backslash ? after_open[i] == '\\' : after_open[i] == close && after_open[i + 1] == close);
    if (escaped) {
      ++i;
    } else if (after_open[i] == close) {
      break;
    }
    out.Append(after_open.substr(i, 1));
  }
  return out;
}

// The values worth finding on their own: the whole secret and each secret
// part, unquoted, unescaped as its quoting says (the value the database
// gets, which an error message may echo) and percent-decoded. A secret-free
// connection string is its own masked form (MaskedCredential), so it is not
// one of them: redacting it would hide the very text shown in its place.
std::vector<SecretBuffer> SecretValues(std::string_view secret) {
  std::vector<SecretBuffer> values;
  if (IsSecretFreeConnectionString(secret)) return values;
  values.push_back(SecretBuffer::CopyFrom(secret));
  for (const ByteSpan& span : FindSecretParts(secret)) {
    std::string_view part = secret.substr(span.begin, span.end - span.begin);
    values.push_back(SecretBuffer::CopyFrom(part));
    if (part.size() >= 2 && (part.front() == '\'' || part.front() == '"' || part.front() == '{')) {
      const char close = part.front() == '{' ? '}' : part.front();
      const std::string_view after_open = part.substr(1);
      // '...' is libpq's (backslash escapes) or ADO.NET's ('' doubled).
      if (part.front() == '\'') values.push_back(QuotedValue(after_open, close, true));
      values.push_back(QuotedValue(after_open, close, false));
      // And as written between the quotes, which a message may echo.
      part = part.back() == close ? part.substr(1, part.size() - 2) : after_open;
      values.push_back(SecretBuffer::CopyFrom(part));
    }
    if (part.find('%') != std::string_view::npos) values.push_back(PercentDecoded(part));
  }
  return values;
}

}  // namespace

std::vector<SecretBuffer> SecretForms(const SecretBuffer& secret) {
  std::vector<SecretBuffer> forms;
  for (SecretBuffer& value : SecretValues(secret.Reveal())) {
    std::string_view text = value.Reveal();
    forms.push_back(PercentEncoded(text));
    forms.push_back(JsonEscape(text, false));
    forms.push_back(JsonEscape(text, true));
    forms.push_back(StandardBase64(text));
    forms.push_back(crypto::Base64UrlEncodeSecret(value.bytes(), crypto::Padding::kUnpadded));
    forms.push_back(std::move(value));
  }
  return forms;
}

Redactor::Redactor(const std::vector<const SecretBuffer*>& secrets, const Detector& detector)
    : detector_(detector) {
  for (const SecretBuffer* secret : secrets) {
    for (SecretBuffer& form : SecretForms(*secret)) literals_.Add(std::move(form));
  }
  literals_.Build();
}

std::vector<ByteSpan> Redactor::FindSpans(std::string_view text) const {
  std::vector<ByteSpan> spans = literals_.Find(text);
  for (const Finding& finding : detector_.Detect(text)) spans.push_back(finding.span);
  return MergeSpans(std::move(spans));
}

std::string Redactor::Redact(std::string_view text) const {
  return ReplaceSpans(text, FindSpans(text), kRedacted);
}

}  // namespace aurite::security
