// SigV4 query-string signing on OpenSSL's one-shot EVP_Q_mac and
// EVP_Q_digest: a token is signed once per physical connection, so caching
// the fetched algorithms would buy nothing here.
#include "crypto/sigv4.h"

#include <openssl/evp.h>

#include <algorithm>
#include <ctime>
#include <span>
#include <utility>

#include "base/text.h"
#include "crypto/openssl_handles.h"

namespace aurite::crypto {
namespace {

constexpr std::size_t kSha256Size = 32;
constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::span<const unsigned char> Bytes(std::string_view text) {
  return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

// HMAC-SHA256 of `data` under `key`, written straight into a SecretBuffer
// because every HMAC output here but the last is itself a key.
SecretBuffer HmacSha256(std::span<const unsigned char> key, std::string_view data) {
  SecretBuffer mac(kSha256Size);
  std::size_t written = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                Bytes(data).data(), data.size(), mac.data(), mac.size(), &written) == nullptr ||
      written != kSha256Size) {
    OpenSslFailure("HMAC-SHA256");
  }
  return mac;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[kSha256Size];
  std::size_t size = 0;
  if (EVP_Q_digest(nullptr, "SHA256", nullptr, data.data(), data.size(), digest, &size) != 1 ||
      size != kSha256Size) {
    OpenSslFailure("SHA-256");
  }
  return HexEncode(digest);
}

// Appends `text` URI-encoded (see UriEncode) straight into `out`, for
// values that hold the session token.
void AppendUriEncoded(std::string_view text, SecretBuffer& out) {
  PercentEncodeTo(text, [&out](std::string_view piece) { out.Append(piece); });
}

// A query parameter once encoded; the value may hold the session token.
struct EncodedParameter {
  std::string name;
  SecretBuffer value;
};

void AppendJoined(const std::vector<const EncodedParameter*>& parameters, SecretBuffer& out) {
  for (const EncodedParameter* parameter : parameters) {
    if (parameter != parameters.front()) out.Append("&");
    out.Append(parameter->name);
    out.Append("=");
    out.Append(parameter->value.bytes());
  }
}

void AddEncoded(std::string_view name, std::string_view value,
                std::vector<EncodedParameter>& parameters) {
  EncodedParameter parameter{UriEncode(name), SecretBuffer()};
  AppendUriEncoded(value, parameter.value);
  parameters.push_back(std::move(parameter));
}

// The canonical query string: the parameters joined after sorting by
// encoded name, then by encoded value.
SecretBuffer CanonicalQuery(const std::vector<EncodedParameter>& parameters) {
  std::vector<const EncodedParameter*> sorted;
  for (const EncodedParameter& parameter : parameters) sorted.push_back(&parameter);
  auto key = [](const EncodedParameter* p) {
    return std::pair<std::string_view, std::string_view>(p->name, p->value.Reveal());
  };
  std::sort(sorted.begin(), sorted.end(),
            [&key](const auto* a, const auto* b) { return key(a) < key(b); });
  SecretBuffer query;
  AppendJoined(sorted, query);
  return query;
}

// "<date>/<region>/<service>/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string scope(date);
  return scope.append("/").append(region).append("/").append(service).append("/aws4_request");
}

// The hex signature of `canonical_request` made at `amz_date`: the steps
// both forms share once their canonical requests differ.
std::string SignCanonicalRequest(const SecretBuffer& canonical_request, std::string_view amz_date,
                                 std::string_view region, std::string_view service,
                                 const AwsCredentials& credentials) {
  const std::string_view date = amz_date.substr(0, 8);
  return Signature(
      DeriveSigningKey(credentials.secret_access_key, date, region, service),
      StringToSign(amz_date, CredentialScope(date, region, service), canonical_request.Reveal()));
}

// A header as it enters the canonical request; the value may be the
// session token.
struct CanonicalHeader {
  std::string name;
  SecretBuffer value;
};

// `value` trimmed, with each inner run of white space made one space, as
// botocore's ' '.join(value.split()).
void AppendCollapsed(std::string_view value, SecretBuffer& out) {
  auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  bool pending_space = false;
  for (std::size_t i = 0; i < value.size();) {
    if (is_space(value[i])) {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < value.size() && !is_space(value[end])) ++end;
    if (pending_space) out.Append(" ");
    out.Append(value.substr(i, end - i));
    pending_space = false;
    i = end;
  }
}

}  // namespace

std::string AmzDate(std::chrono::system_clock::time_point time) {
  std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[sizeof "YYYYMMDDTHHMMSSZ"];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::string UriEncode(std::string_view text) {
  SecretBuffer encoded;
  AppendUriEncoded(text, encoded);
  return std::string(encoded.Reveal());
}

SecretBuffer DeriveSigningKey(const SecretBuffer& secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service) {
  SecretBuffer secret = SecretBuffer::CopyFrom("AWS4");
  secret.Append(secret_access_key.bytes());
  SecretBuffer date_key = HmacSha256(secret.bytes(), date);
  SecretBuffer region_key = HmacSha256(date_key.bytes(), region);
  SecretBuffer service_key = HmacSha256(region_key.bytes(), service);
  return HmacSha256(service_key.bytes(), "aws4_request");
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string text(kAlgorithm);
  text.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  return text.append(Sha256Hex(canonical_request));
}

std::string Signature(const SecretBuffer& signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key.bytes(), string_to_sign).bytes());
}

std::string PayloadSha256(std::string_view body) { return Sha256Hex(body); }

SecretBuffer PresignQuery(const PresignRequest& request, const AwsCredentials& credentials) {
  const std::string amz_date = AmzDate(request.now);
  const std::string scope =
      CredentialScope(std::string_view(amz_date).substr(0, 8), request.region, request.service);

  std::vector<EncodedParameter> parameters;
  for (const QueryParameter& parameter : request.parameters) {
    AddEncoded(parameter.name, parameter.value, parameters);
  }
  AddEncoded("X-Amz-Algorithm", kAlgorithm, parameters);
  AddEncoded("X-Amz-Credential", credentials.access_key_id + "/" + scope, parameters);
  AddEncoded("X-Amz-Date", amz_date, parameters);
  AddEncoded("X-Amz-Expires", std::to_string(request.expires.count()), parameters);
  AddEncoded("X-Amz-SignedHeaders", "host", parameters);
  if (!credentials.session_token.empty()) {
    AddEncoded("X-Amz-Security-Token", credentials.session_token.Reveal(), parameters);
  }

  SecretBuffer canonical_request = SecretBuffer::CopyFrom("GET\n");
  canonical_request.Append(request.path);
  canonical_request.Append("\n");
  canonical_request.Append(CanonicalQuery(parameters).bytes());
  canonical_request.Append("\nhost:");
  canonical_request.Append(request.host);
  canonical_request.Append("\n\nhost\n");
  canonical_request.Append(request.payload_hash);

  const std::string signature = SignCanonicalRequest(canonical_request, amz_date, request.region,
                                                     request.service, credentials);
  std::vector<const EncodedParameter*> in_order;
  for (const EncodedParameter& parameter : parameters) in_order.push_back(&parameter);
  SecretBuffer query;
  AppendJoined(in_order, query);
  query.Append("&X-Amz-Signature=");
  query.Append(signature);
  return query;
}

SignedHeaders SignRequestHeaders(const HeaderSignRequest& request,
                                 const AwsCredentials& credentials) {
  SignedHeaders signed_headers;
  signed_headers.amz_date = AmzDate(request.now);

  std::vector<CanonicalHeader> headers;
  auto add = [&headers](std::string_view name, std::string_view value) {
    CanonicalHeader header{AsciiLowercase(name), SecretBuffer()};
    AppendCollapsed(value, header.value);
    headers.push_back(std::move(header));
  };
  for (const HttpHeader& header : request.headers) add(header.name, header.value);
  add("host", request.host);
  add("x-amz-date", signed_headers.amz_date);
  if (!credentials.session_token.empty()) {
    add("x-amz-security-token", credentials.session_token.Reveal());
  }
  // A name sent twice is one canonical header with the values joined by
  // commas, in the order they were given.
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });

  std::vector<EncodedParameter> query;
  for (const QueryParameter& parameter : request.query) {
    AddEncoded(parameter.name, parameter.value, query);
  }
  SecretBuffer canonical_request = SecretBuffer::CopyFrom(request.method);
  canonical_request.Append("\n");
  canonical_request.Append(request.path);
  canonical_request.Append("\n");
  canonical_request.Append(CanonicalQuery(query).bytes());
  std::string names;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (i > 0 && headers[i].name == headers[i - 1].name) {
      canonical_request.Append(",");
    } else {
      canonical_request.Append("\n");
      canonical_request.Append(headers[i].name);
      canonical_request.Append(":");
      names.append(names.empty() ? "" : ";").append(headers[i].name);
    }
    canonical_request.Append(headers[i].value.bytes());
  }
  canonical_request.Append("\n\n");
  canonical_request.Append(names);
  canonical_request.Append("\n");
  canonical_request.Append(request.payload_hash);

  const std::string date = signed_headers.amz_date.substr(0, 8);
  signed_headers.authorization = std::string(kAlgorithm) +
                                 " Credential=" + credentials.access_key_id + "/" +
                                 CredentialScope(date, request.region, request.service) +
                                 ", SignedHeaders=" + names + ", Signature=" +
                                 SignCanonicalRequest(canonical_request, signed_headers.amz_date,
                                                      request.region, request.service, credentials);
  return signed_headers;
}

}  // namespace aurite::crypto
