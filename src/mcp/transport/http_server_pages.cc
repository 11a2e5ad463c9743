// The pages of the HTTP server (http_pages.h): requests under
// options.pages_prefix handed to the application's page handler, with the
// body already moved into a SecretBuffer by ServeConnection.
#include "mcp/transport/http_server_impl.h"

namespace aurite::mcp {

bool HttpServer::Impl::IsPagePath(const HttpRequest& req) const {
  if (options.pages_prefix.empty() || !options.pages) return false;
  const std::string_view target(req.target().data(), req.target().size());
  return target.rfind(options.pages_prefix, 0) == 0;
}

template <class Stream>
bool HttpServer::Impl::HandlePage(Stream& stream, HttpConnection& connection,
                                  const HttpRequest& req, crypto::SecretBuffer body) {
  PageRequest page;
  page.body = std::move(body);
  std::optional<HttpResponse> denied;
  if (auto ambiguous = AmbiguousHead(req)) {
    denied = Simple(http::status::bad_request, req, *ambiguous);
    denied->keep_alive(false);
  } else if (auto refusal = CheckHost(req, options)) {
    denied = Simple(refusal->status, req, std::move(refusal->message));
  }
  if (denied) return Write(stream, connection, *denied);
  const std::string_view target(req.target().data(), req.target().size());
  page.method = std::string(req.method_string());
  const std::size_t question = target.find('?');
  page.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) page.query = std::string(target.substr(question + 1));
  page.host = std::string(HeaderValue(req, http::field::host));
  page.origin = std::string(HeaderValue(req, http::field::origin));
  page.fetch_site = std::string(HeaderValue(req, "Sec-Fetch-Site"));
  page.content_type = std::string(HeaderValue(req, http::field::content_type));
  page.cookie = std::string(HeaderValue(req, http::field::cookie));
  page.tls = tls.has_value();
  PageResponse answer = options.pages(page);
  page.body.Clear();  // before answering: no copy of a form outlives its response
  HttpResponse res = Simple(static_cast<http::status>(answer.status), req, std::move(answer.body),
                            answer.content_type.c_str());
  for (const auto& [name, value] : answer.headers) res.set(name, value);
  return Write(stream, connection, res);
}

template bool HttpServer::Impl::HandlePage(tcp::socket&, HttpConnection&, const HttpRequest&,
                                           crypto::SecretBuffer);
template bool HttpServer::Impl::HandlePage(TlsStream&, HttpConnection&, const HttpRequest&,
                                           crypto::SecretBuffer);

}  // namespace aurite::mcp
