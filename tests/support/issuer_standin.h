// Test support: an OAuth issuer on loopback, as far as a resource server
// sees one: documents (discovery, JWKS) served over real HTTP by the
// transport's page server. Tokens are signed by the test with keys it makes.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mcp/server/server.h"
#include "mcp/transport/http_server.h"

namespace aurite::testing {

class IssuerStandin {
 public:
  IssuerStandin() {
    mcp::HttpServerOptions options;
    options.serve_mcp = false;
    options.pages_prefix = "/";
    options.pages = [this](mcp::PageRequest& request) {
      std::lock_guard lock(mu_);
      ++requests_;
      auto it = documents_.find(request.path);
      mcp::PageResponse answer;
      answer.content_type = "application/json";
      if (it == documents_.end()) {
        answer.status = 404;
        return answer;
      }
      answer.body = it->second;
      return answer;
    };
    http_ = std::make_unique<mcp::HttpServer>(server_, options);
    started_ = http_->Start().ok();
  }

  bool started() const { return started_; }
  // "http://127.0.0.1:<port>"
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(http_->port()); }
  void Serve(const std::string& path, std::string body) {
    std::lock_guard lock(mu_);
    documents_[path] = std::move(body);
  }
  int requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  mcp::McpServer server_;
  std::unique_ptr<mcp::HttpServer> http_;
  bool started_ = false;
  std::mutex mu_;
  std::map<std::string, std::string> documents_;
  int requests_ = 0;
};

}  // namespace aurite::testing
