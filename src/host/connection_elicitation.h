// ConnectionElicitation: asks the user, not the model, for a database
// connection. request_database_connection (and connect_storage without a
// connection_string or connection_name) sends the client a URL-mode
// elicitation to the connection entry page (connection_entry_page.h); the
// user enters the connection there and the gateway secures it at once.
//
// Contract:
//  - Only for clients that declared elicitation.url: others get a tool
//    error saying how to add the connection instead (a named connection in
//    aurite.json, or `aurite secure`), never a form-mode prompt.
//  - 2025-11-25 sessions: elicitation/create with mode "url", a fresh
//    elicitationId, a message saying who asks, what for and the
//    confirmation code, and the page's URL (which holds no secret). When
//    the form is submitted the call goes on, and the client gets
//    notifications/elicitation/complete.
//  - 2026-07-28 requests: an input_required result with the same URL
//    request and a sealed requestState naming the entry; the retry that
//    accepts waits for the submission.
//  - Declined, cancelled or expired: a tool error saying so; the entry
//    ends. The secured token is bound to the storage server and owned by
//    the asking session's owner.
//  - Pages are served by the gateway's HTTP listener (ServeOn), or for
//    stdio by a loopback-only listener on a random port that is opened
//    when an entry is made and closed when none has been pending for
//    kSideListenerLinger, so the last page's answer reaches the browser
//    (UseSideListener); entries that expire unanswered count as ended.
//  - For an OAuth principal the page also signs the browser in at the
//    issuer and requires the same subject (UseSignIn, entry_sign_in.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "host/connection_entry_page.h"
#include "host/connection_entry_table.h"
#include "host/mcp_host.h"
#include "mcp/server/server.h"
#include "mcp/transport/http_server.h"

namespace aurite::host {

class ConnectionElicitation {
 public:
  ConnectionElicitation(MCPHost& host, std::chrono::milliseconds lifetime);
  ~ConnectionElicitation();
  ConnectionElicitation(const ConnectionElicitation&) = delete;
  ConnectionElicitation& operator=(const ConnectionElicitation&) = delete;

  // Adds the entry pages to the options of the gateway's HTTP listener;
  // once it listens, SetPageBase gives its URL ("http://127.0.0.1:8765").
  void ServeOn(mcp::HttpServerOptions& options);
  void SetPageBase(std::string base);
  // Serves the pages on a side listener of its own, opened on demand.
  void UseSideListener(mcp::McpServer& server);
  // Before serving: the sign-in that identifies OAuth principals on the
  // page. Without it, an OAuth principal's request is refused (fail
  // closed: the page could not tell the asker from whoever got the link).
  void UseSignIn(std::unique_ptr<EntrySignIn> sign_in);

  // The connection the user entered for this tool call, secured; or, when
  // there is none (yet), the tool's answer: an error or input_required.
  struct Outcome {
    std::optional<SecuredEntry> secured;
    mcp::RpcResult answer = mcp::Json::object();
  };
  Outcome Request(const std::string& storage_type, const std::string& description,
                  mcp::CallContext& context);

 private:
  Outcome RequestLegacy(const std::string& storage_type, const std::string& description,
                        mcp::CallContext& context);
  Outcome RequestModern(const std::string& storage_type, const std::string& description,
                        mcp::CallContext& context);
  struct NewEntry {
    std::string id;
    std::string owner;
    std::string url;
    std::string message;  // for the user, with the confirmation code
  };
  // Opens an entry for this call, and its page.
  StatusOr<NewEntry> OpenEntry(const std::string& storage_type, const std::string& description,
                               mcp::CallContext& context);
  // Waits for entry `id`'s submission; ends the entry on failure.
  Outcome AwaitEntry(const std::string& id, const std::string& owner, mcp::CallContext& context);
  // The page URL of a new entry, opening the side listener if needed.
  StatusOr<std::string> PageUrl(const std::string& id);
  // Schedules the side listener's closing when no entry is pending.
  void CloseIdleListener();
  // The side listener's closer: stops it at close_at_.
  void Closer(std::stop_token stop);
  StatusOr<SecuredEntry> Secure(const EntryDetails& details, crypto::SecretBuffer text);

  MCPHost& host_;
  ConnectionEntryTable table_;
  ConnectionEntryPage page_;
  std::unique_ptr<EntrySignIn> sign_in_;
  std::mutex mu_;
  std::string page_base_;
  mcp::McpServer* side_server_ = nullptr;
  std::unique_ptr<mcp::HttpServer> side_listener_;
  std::optional<std::chrono::steady_clock::time_point> close_at_;
  std::condition_variable_any close_cv_;
  std::jthread closer_;  // last: stopped and joined first
};

inline constexpr std::chrono::seconds kSideListenerLinger{2};

}  // namespace aurite::host
