// Pages: plain web pages an application serves next to the MCP endpoint,
// on the same listener (HttpServerOptions::pages), for a person in a
// browser rather than an MCP client; e.g. the gateway's connection entry
// page that URL-mode elicitation sends the user to.
//
// Contract:
//  - A request whose path starts with HttpServerOptions::pages_prefix goes
//    to the handler. It passes the head checks (unambiguous head, Host in
//    allowed_hosts) but not the bearer token or Origin rules of the MCP
//    endpoint: a browser has no bearer token, and the handler judges the
//    Origin itself.
//  - Its body is at most pages_max_body_bytes (413 beyond), is moved into
//    PageRequest::body (a SecretBuffer: a form may carry a password) and
//    wiped in the request and in the connection's read buffer; the server
//    never logs it.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/secret_buffer.h"

namespace aurite::mcp {

struct PageRequest {
  std::string method;        // "GET", "POST", ...
  std::string path;          // the target without its query
  std::string query;         // what follows the target's '?', undecoded; "" when none
  std::string host;          // the Host header
  std::string origin;        // the Origin header; "" when absent
  std::string fetch_site;    // the Sec-Fetch-Site header; "" when absent
  std::string content_type;  // the Content-Type header
  std::string cookie;        // the Cookie header; "" when absent
  bool tls = false;          // whether it came over HTTPS
  crypto::SecretBuffer body;
};

struct PageResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using PageHandler = std::function<PageResponse(PageRequest&)>;

}  // namespace aurite::mcp
