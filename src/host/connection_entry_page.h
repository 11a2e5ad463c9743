// ConnectionEntryPage: the web page on which the user enters a database
// connection for a URL-mode elicitation (connection_entry_table.h), served
// at /connect/<entry id> on the gateway's HTTP listener or on the
// loopback-only side listener of a stdio gateway.
//
// Contract (docs/security.md, "The connection entry page"):
//  - GET shows which client asked, the storage type and the description,
//    and a form asking for the confirmation code and the connection
//    (a connection string, or host, port, database, user, password, TLS).
//  - POST needs an Origin header naming this page's own origin, or "null"
//    (what a browser sends under no-referrer) with Sec-Fetch-Site:
//    same-origin (403 otherwise), a form body (415 otherwise) with the entry's CSRF token
//    and confirmation code; see ConnectionEntryTable::Submit for the rest.
//  - Every answer carries Content-Security-Policy (no sources but the
//    page's own hashed stylesheet; no script; frame-ancestors 'none';
//    form-action 'self'), X-Frame-Options: DENY, Referrer-Policy:
//    no-referrer, Cache-Control: no-store, X-Content-Type-Options: nosniff.
//  - No answer contains a submitted value (the password, connection string
//    or code); nothing of the body is logged. Bad input gets a page that
//    says what was wrong.
#pragma once

#include <string>

#include "host/connection_entry_table.h"
#include "mcp/transport/http_pages.h"

namespace aurite::host {

class ConnectionEntryPage {
 public:
  static constexpr const char* kPathPrefix = "/connect/";

  explicit ConnectionEntryPage(ConnectionEntryTable& table) : table_(table) {}

  mcp::PageResponse Serve(mcp::PageRequest& request);

 private:
  mcp::PageResponse ServeForm(const std::string& id);
  mcp::PageResponse Submit(const std::string& id, mcp::PageRequest& request);

  ConnectionEntryTable& table_;
};

// The path of entry `id`'s page.
std::string ConnectionEntryPath(const std::string& id);

}  // namespace aurite::host
