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
//  - An entry with a subject (an OAuth principal asked) first sends the
//    browser to sign in at the issuer (EntrySignIn; 303); the callback at
//    /connect/callback admits the browser with an HttpOnly, SameSite=Lax
//    cookie scoped to the entry's path when the same subject signed in,
//    and cancels the entry when another did. Without a sign-in configured
//    such an entry's page refuses (403): fail closed.
//  - No answer contains a submitted value (the password, connection string
//    or code); nothing of the body is logged. Bad input gets a page that
//    says what was wrong.
#pragma once

#include <string>

#include "host/connection_entry_table.h"
#include "host/entry_sign_in.h"
#include "mcp/transport/http_pages.h"

namespace aurite::host {

class ConnectionEntryPage {
 public:
  static constexpr const char* kPathPrefix = "/connect/";

  explicit ConnectionEntryPage(ConnectionEntryTable& table) : table_(table) {}

  // Before the pages are served; null: no sign-in (entries with a subject
  // are then refused).
  void UseSignIn(EntrySignIn* sign_in) { sign_in_ = sign_in; }

  mcp::PageResponse Serve(mcp::PageRequest& request);

 private:
  mcp::PageResponse ServeForm(const std::string& id, const mcp::PageRequest& request);
  mcp::PageResponse Submit(const std::string& id, mcp::PageRequest& request);
  mcp::PageResponse StartSignIn(const std::string& id, const mcp::PageRequest& request);
  mcp::PageResponse FinishSignIn(const mcp::PageRequest& request);

  ConnectionEntryTable& table_;
  EntrySignIn* sign_in_ = nullptr;
};

// The path of entry `id`'s page.
std::string ConnectionEntryPath(const std::string& id);

}  // namespace aurite::host
