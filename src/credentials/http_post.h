// One HTTP/1.1 request (GET or POST) and its whole answer, for the few API
// calls Aurite makes to a credential or secret store (STS AssumeRole,
// Secrets Manager, Vault). A fresh connection per call: they are rare, and
// it keeps no state to go stale.
//
// Contract:
//  - https:// verifies the peer's certificate chain (the system's trust
//    store, or `ca_file`) and that it names the endpoint's host; http:// is
//    plain text, for an emulator on this machine (callers decide which
//    hosts may be reached that way).
//  - Connecting (name resolution included) must finish within
//    `connect_timeout`; the TLS handshake, the request and the whole answer
//    within `exchange_timeout` after that. A peer that accepts and never
//    answers fails with kDeadlineExceeded at that time.
//  - An answer whose head exceeds 64 KiB or whose body exceeds
//    `max_response_bytes` fails with kResourceExhausted as soon as it does.
//  - Header values (the session token among them) and the answer's body are
//    held in memory that is wiped when released; OpenSSL cleanses its
//    plaintext record buffers (SSL_OP_CLEANSE_PLAINTEXT). What no one can
//    wipe: the kernel's socket buffers on a plain http:// connection.
//  - Messages name the endpoint's URL and what went wrong, never a header
//    value or any part of the answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "credentials/aws_endpoint.h"
#include "crypto/secret_buffer.h"
#include "crypto/sigv4.h"

namespace aurite::credentials {

struct HttpRequestOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds exchange_timeout{30'000};
  std::size_t max_response_bytes = 1024 * 1024;
  std::string ca_file;  // PEM trust anchors for https; empty: the system's
};

struct HttpAnswer {
  int status = 0;
  std::string content_type;
  crypto::SecretBuffer body;  // may hold credentials
};

// Vault treats PUT and POST alike; its documentation names PUT for some
// calls (sys/leases/revoke), so both can be sent as documented.
enum class HttpMethod { kGet, kPost, kPut };

// Sends a `method` request for endpoint.path (which may hold a query) to
// `endpoint` with `headers` (besides Host, which is endpoint.HostHeader(),
// and Content-Length when there is a body) and `body` (empty for GET), and
// returns the answer, of any status. Errors as for HttpPost.
StatusOr<HttpAnswer> HttpRequest(HttpMethod method, const HttpEndpoint& endpoint,
                                 const std::vector<crypto::HttpHeader>& headers,
                                 std::string_view body, const HttpRequestOptions& options);

// POSTs `body` to `endpoint` with `headers` (besides Host, which is
// endpoint.HostHeader(), and Content-Length) and returns the answer, of any
// status. kUnavailable when the endpoint cannot be reached or closes the
// connection before a whole answer, kDeadlineExceeded and kResourceExhausted
// as above, kInvalidArgument for an unreadable `ca_file`.
StatusOr<HttpAnswer> HttpPost(const HttpEndpoint& endpoint,
                              const std::vector<crypto::HttpHeader>& headers, std::string_view body,
                              const HttpRequestOptions& options);

// GETs endpoint.path (with its query) from `endpoint`: HttpRequest(kGet, …).
StatusOr<HttpAnswer> HttpGet(const HttpEndpoint& endpoint,
                             const std::vector<crypto::HttpHeader>& headers,
                             const HttpRequestOptions& options);

}  // namespace aurite::credentials
