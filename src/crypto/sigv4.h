// AWS Signature Version 4 (SigV4) in its two forms: the query-string form of
// "presigned" URLs such as RDS IAM authentication tokens, and the
// Authorization-header form of API calls such as STS AssumeRole. HMAC-SHA256
// and SHA-256 come from OpenSSL; the secret access key, the session token,
// every derived key and every string that contains the session token live in
// SecretBuffers.
//
// The steps follow AWS's description of SigV4: a canonical request, a string
// to sign over its SHA-256, a signing key derived from the secret access key
// for one date, region and service, and the hex HMAC of the string to sign.
// The time is always a parameter, so signatures are reproducible in tests.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret_buffer.h"

namespace aurite::crypto {

// AWS credentials as SigV4 signs with them.
struct AwsCredentials {
  std::string access_key_id;  // not secret: every signed request carries it
  SecretBuffer secret_access_key;
  SecretBuffer session_token;  // empty unless the credentials are temporary
};

// The payload hash of a request without a body: hex SHA-256 of "".
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// A query parameter before encoding.
struct QueryParameter {
  std::string_view name;
  std::string_view value;
};

// What a presigned GET request is made of.
struct PresignRequest {
  std::string_view host;  // the Host header exactly as signed (lower case, port if not default)
  std::string_view path = "/";             // the absolute path, already URI-encoded
  std::vector<QueryParameter> parameters;  // the operation's parameters, in URL order
  std::string_view region;
  std::string_view service;
  std::chrono::seconds expires{0};
  std::chrono::system_clock::time_point now;
  std::string_view payload_hash = kEmptyPayloadSha256;  // or "UNSIGNED-PAYLOAD"
};

// A request header before canonicalisation.
struct HttpHeader {
  std::string_view name;
  std::string_view value;
};

// What a request signed in the Authorization header is made of.
struct HeaderSignRequest {
  std::string_view method = "POST";
  std::string_view host;  // the Host header exactly as sent (port only if not the scheme's default)
  std::string_view path = "/";        // the absolute path, already URI-encoded
  std::vector<QueryParameter> query;  // the URL's query parameters, before encoding
  std::vector<HttpHeader> headers;    // every other header sent and signed, e.g. Content-Type
  std::string_view region;
  std::string_view service;
  std::chrono::system_clock::time_point now;
  std::string_view payload_hash = kEmptyPayloadSha256;  // PayloadSha256 of the body
};

// The headers that carry a header-form signature.
struct SignedHeaders {
  std::string amz_date;       // send as X-Amz-Date
  std::string authorization;  // send as Authorization; not secret (no key, one request only)
};

// "YYYYMMDDTHHMMSSZ" for `time` in UTC: SigV4's X-Amz-Date.
std::string AmzDate(std::chrono::system_clock::time_point time);

// `text` URI-encoded as SigV4 requires: every byte except the unreserved
// A-Z a-z 0-9 - . _ ~ becomes %XY with upper-case hex digits.
std::string UriEncode(std::string_view text);

// The signing key for one day (`date` is "YYYYMMDD"), region and service:
// HMAC chained from "AWS4" + secret over date, region, service and
// "aws4_request". Every intermediate key is wiped.
SecretBuffer DeriveSigningKey(const SecretBuffer& secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of canonical_request>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// The hex HMAC-SHA256 of `string_to_sign` under `signing_key`.
std::string Signature(const SecretBuffer& signing_key, std::string_view string_to_sign);

// The hex SHA-256 of a request body, as HeaderSignRequest::payload_hash.
std::string PayloadSha256(std::string_view body);

// Presigns `request`: returns its query string, the operation's parameters
// followed by X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders (always "host"), X-Amz-Security-Token (with temporary
// credentials) and X-Amz-Signature, each URI-encoded. The result carries the
// session token and grants access until it expires, so it is a secret.
SecretBuffer PresignQuery(const PresignRequest& request, const AwsCredentials& credentials);

// Signs `request` as botocore's SigV4Auth does: the signed headers are
// `request.headers`, host, x-amz-date and, with temporary credentials,
// x-amz-security-token, by lower-case name, each value trimmed with inner
// runs of white space collapsed. The caller sends the request with exactly
// those headers: the returned two, and X-Amz-Security-Token with the session
// token when `credentials` has one.
SignedHeaders SignRequestHeaders(const HeaderSignRequest& request,
                                 const AwsCredentials& credentials);

}  // namespace aurite::crypto
