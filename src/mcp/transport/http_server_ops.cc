// The operational pages of the HTTP server (http_ops_pages.h): exact paths
// answered to GET and HEAD without authentication, after the head checks
// that http_server_routing.cc's Handle applies to every request.
#include "mcp/transport/http_server_impl.h"
#include "mcp/transport/oauth_resource.h"

namespace aurite::mcp {

std::string HttpServer::Impl::OpsPagesProblem() const {
  for (const auto& [path, page] : options.ops_pages) {
    const auto refuse = [&path](std::string_view why) {
      return fmt::format("the operational page {} {}", path, why);
    };
    if (path.empty() || path[0] != '/') return refuse("must start with '/'");
    if (!page) return refuse("has no handler");
    if (options.serve_mcp && path == options.path) return refuse("is the MCP endpoint's path");
    if (!options.pages_prefix.empty() && path.rfind(options.pages_prefix, 0) == 0) {
      return refuse("is under the pages' prefix " + options.pages_prefix);
    }
    if (options.protected_resource) {
      for (const std::string& served : MetadataPaths(*options.protected_resource)) {
        if (path == served) return refuse("is the protected resource metadata's path");
      }
    }
  }
  return "";
}

std::optional<HttpResponse> HttpServer::Impl::OpsAnswer(const HttpRequest& req,
                                                        std::string_view path) const {
  const auto found = options.ops_pages.find(path);
  if (found == options.ops_pages.end()) return std::nullopt;
  const bool head = req.method() == http::verb::head;
  if (req.method() != http::verb::get && !head) {
    HttpResponse res = Simple(http::status::method_not_allowed, req, "method not allowed\n");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  PageResponse answer = found->second();
  HttpResponse res = Simple(static_cast<http::status>(answer.status), req, std::move(answer.body),
                            answer.content_type.c_str());
  for (const auto& [name, value] : answer.headers) res.set(name, value);
  res.set(http::field::cache_control, "no-store");
  if (head) {
    // The length the GET's body would have (RFC 9110, 9.3.2), and no body:
    // the serializer writes what the body holds.
    const std::size_t length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

}  // namespace aurite::mcp
