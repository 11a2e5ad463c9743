// HttpRequest on Boost.Beast: asynchronous operations on a beast::tcp_stream,
// whose expiry bounds each step, driven one step at a time on a private
// io_context, so the caller sees a plain blocking call.
#include "credentials/http_post.h"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "base/text.h"
#include "crypto/wiping_allocator.h"

namespace aurite::credentials {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Request headers carry the session token, answers carry new credentials:
// every block Beast allocates for them is wiped when released.
using WipedFields = http::basic_fields<crypto::WipingAllocator<char>>;
using WipedBody =
    http::basic_string_body<char, std::char_traits<char>, crypto::WipingAllocator<char>>;
using WipedBuffer = beast::basic_flat_buffer<crypto::WipingAllocator<char>>;

constexpr std::uint32_t kMaxHeadBytes = 64 * 1024;

// Runs `io` until the operation just started has completed: its handler
// ran, with success, an error, or beast::error::timeout at the stream's
// expiry.
void Await(asio::io_context& io) {
  io.restart();
  io.run();
}

bool IsIpAddress(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

class Exchange {
 public:
  Exchange(HttpMethod method, const HttpEndpoint& endpoint, const HttpRequestOptions& options)
      : method_(method), endpoint_(endpoint), options_(options), url_(endpoint.Url()) {}

  StatusOr<HttpAnswer> Run(const std::vector<crypto::HttpHeader>& headers, std::string_view body) {
    tcp::resolver::results_type addresses;
    AURITE_RETURN_IF_ERROR(Resolve(addresses));
    beast::tcp_stream stream(io_);
    beast::error_code ec;
    stream.expires_at(connect_deadline_);
    stream.async_connect(addresses, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
    Await(io_);
    if (ec) return Failure("connect", ec);
    const auto exchange_deadline = Clock::now() + options_.exchange_timeout;
    stream.expires_at(exchange_deadline);
    if (!endpoint_.tls) return Talk(stream, headers, body);

    asio::ssl::context tls(asio::ssl::context::tls_client);
    SSL_CTX_set_options(tls.native_handle(), SSL_OP_CLEANSE_PLAINTEXT);
    if (options_.ca_file.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.load_verify_file(options_.ca_file, ec);
    }
    if (ec) {
      return InvalidArgumentError("cannot load the CA certificates " +
                                  (options_.ca_file.empty() ? "of the system" : options_.ca_file) +
                                  ": " + ec.message());
    }
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), tls);
    beast::get_lowest_layer(secure).expires_at(exchange_deadline);
    AURITE_RETURN_IF_ERROR(VerifyHostName(secure.native_handle()));
    secure.async_handshake(asio::ssl::stream_base::client, [&ec](beast::error_code e) { ec = e; });
    Await(io_);
    if (ec) return Failure("complete the TLS handshake", ec);
    return Talk(secure, headers, body);
  }

 private:
  Status Resolve(tcp::resolver::results_type& addresses) {
    connect_deadline_ = Clock::now() + options_.connect_timeout;
    tcp::resolver resolver(io_);
    beast::error_code ec;
    bool resolved = false;
    resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                           [&](beast::error_code e, tcp::resolver::results_type results) {
                             ec = e;
                             addresses = std::move(results);
                             resolved = true;
                           });
    io_.restart();
    io_.run_until(connect_deadline_);
    if (!resolved) {
      // The system resolver cannot be interrupted: the io_context's
      // destructor waits for it to give up by itself.
      resolver.cancel();
      return Failure("resolve its host name", beast::error::timeout);
    }
    if (ec) return Failure("resolve its host name", ec);
    return OkStatus();
  }

  // OpenSSL checks the host name (or IP address) along with the chain.
  Status VerifyHostName(SSL* ssl) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (IsIpAddress(endpoint_.host)) {
      if (X509_VERIFY_PARAM_set1_ip_asc(param, endpoint_.host.c_str()) != 1) {
        return InternalError("cannot ask OpenSSL to verify the address " + endpoint_.host);
      }
      return OkStatus();
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(ssl, endpoint_.host.c_str()) != 1 ||
        SSL_set_tlsext_host_name(ssl, endpoint_.host.c_str()) != 1) {
      return InternalError("cannot ask OpenSSL to verify the host name " + endpoint_.host);
    }
    return OkStatus();
  }

  template <class Stream>
  StatusOr<HttpAnswer> Talk(Stream& stream, const std::vector<crypto::HttpHeader>& headers,
                            std::string_view body) {
    beast::error_code ec;
    {
      const http::verb verb = method_ == HttpMethod::kGet   ? http::verb::get
                              : method_ == HttpMethod::kPut ? http::verb::put
                                                            : http::verb::post;
      http::request<http::string_body, WipedFields> request(verb, endpoint_.path, 11);
      request.set(http::field::host, endpoint_.HostHeader());
      for (const crypto::HttpHeader& header : headers) {
        request.set(beast::string_view(header.name.data(), header.name.size()),
                    beast::string_view(header.value.data(), header.value.size()));
      }
      request.keep_alive(false);
      // A GET without a body carries no Content-Length (prepare_payload
      // leaves it out), as RFC 9110 recommends.
      request.body() = std::string(body);
      request.prepare_payload();
      http::async_write(stream, request, [&ec](beast::error_code e, std::size_t) { ec = e; });
      Await(io_);
    }
    if (ec) return Failure("take the request", ec);

    WipedBuffer buffer;
    http::response_parser<WipedBody> parser;
    parser.header_limit(kMaxHeadBytes);
    parser.body_limit(options_.max_response_bytes);
    http::async_read_header(stream, buffer, parser,
                            [&ec](beast::error_code e, std::size_t) { ec = e; });
    Await(io_);
    if (ec) return Failure("answer", ec);
    // Beast 1.74 does not hold an announced Content-Length to the body
    // limit, and its string body reserves that much memory at once.
    if (parser.content_length() && *parser.content_length() > options_.max_response_bytes) {
      return Failure("answer", http::error::body_limit);
    }
    http::async_read(stream, buffer, parser, [&ec](beast::error_code e, std::size_t) { ec = e; });
    Await(io_);
    if (ec) return Failure("answer", ec);
    HttpAnswer answer;
    answer.status = static_cast<int>(parser.get().result_int());
    answer.content_type = std::string(parser.get()[http::field::content_type]);
    auto& text = parser.get().body();
    answer.body = crypto::SecretBuffer::CopyFrom(std::string_view(text.data(), text.size()));
    // The allocator wipes heap blocks; this also covers a short answer kept
    // inside the string object itself.
    OPENSSL_cleanse(text.data(), text.size());
    return answer;
  }

  Status Failure(std::string_view step, beast::error_code ec) const {
    const std::string prefix = "the endpoint " + url_ + " ";
    if (ec == beast::error::timeout) {
      const bool connecting = step == "connect" || step == "resolve its host name";
      return DeadlineExceededError(
          prefix + "did not " + std::string(step) + " within " +
          SecondsText(connecting ? options_.connect_timeout : options_.exchange_timeout));
    }
    if (ec == http::error::body_limit) {
      return ResourceExhaustedError(prefix + "answered with a body larger than " +
                                    std::to_string(options_.max_response_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return ResourceExhaustedError(prefix + "answered with a head larger than " +
                                    std::to_string(kMaxHeadBytes) + " bytes");
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
        ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
      return UnavailableError(prefix + "closed the connection before a whole answer");
    }
    if (ec.category() == make_error_code(http::error::bad_version).category()) {
      return UnavailableError(prefix + "answered with something other than HTTP/1.1 (" +
                              ec.message() + ")");
    }
    return UnavailableError(prefix + "could not " + std::string(step) + ": " + ec.message());
  }

  const HttpMethod method_;
  const HttpEndpoint& endpoint_;
  const HttpRequestOptions& options_;
  const std::string url_;
  Clock::time_point connect_deadline_;
  asio::io_context io_;
};

}  // namespace

StatusOr<HttpAnswer> HttpRequest(HttpMethod method, const HttpEndpoint& endpoint,
                                 const std::vector<crypto::HttpHeader>& headers,
                                 std::string_view body, const HttpRequestOptions& options) {
  return Exchange(method, endpoint, options).Run(headers, body);
}

StatusOr<HttpAnswer> HttpPost(const HttpEndpoint& endpoint,
                              const std::vector<crypto::HttpHeader>& headers, std::string_view body,
                              const HttpRequestOptions& options) {
  return HttpRequest(HttpMethod::kPost, endpoint, headers, body, options);
}

StatusOr<HttpAnswer> HttpGet(const HttpEndpoint& endpoint,
                             const std::vector<crypto::HttpHeader>& headers,
                             const HttpRequestOptions& options) {
  return HttpRequest(HttpMethod::kGet, endpoint, headers, "", options);
}

}  // namespace aurite::credentials
