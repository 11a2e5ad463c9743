// Operational pages: fixed paths a load balancer's health checks and a
// monitoring system poll on the same listener as the MCP endpoint
// (HttpServerOptions::ops_pages); e.g. the gateway's /healthz, /readyz and
// /metrics. Unlike pages (http_pages.h) they take no input at all.
//
// Contract:
//  - A request whose path (the target without its query) is a key of
//    ops_pages goes to that page. It passes the head checks every request
//    passes (an unambiguous head, Host in allowed_hosts, the Origin rule)
//    but no bearer token is asked for: a prober has none to send.
//  - Only GET and HEAD are served; any other method gets 405 with
//    "Allow: GET, HEAD". A HEAD gets the status and headers the GET would
//    get, and no body.
//  - Answers carry "Cache-Control: no-store": a cached health is a stale one.
//  - Each path starts with '/' and is neither the MCP path, nor a metadata
//    path (oauth_resource.h), nor under pages_prefix: HttpServer::Start()
//    refuses the options otherwise.
//  - The page runs on the connection's thread, one call per request, and
//    may block briefly (a readiness check); it must not need the request.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "mcp/transport/http_pages.h"

namespace aurite::mcp {

using OpsPage = std::function<PageResponse()>;
// By path, e.g. "/healthz".
using OpsPages = std::map<std::string, OpsPage, std::less<>>;

}  // namespace aurite::mcp
