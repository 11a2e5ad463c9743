// URL-mode elicitation of a database connection, in both protocol eras, and
// where its entry pages are served.
#include "host/connection_elicitation.h"

#include <fmt/format.h>

#include "crypto/random.h"
#include "mcp/core/modern_era.h"
#include "mcp/server/input_required.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/http_auth.h"
#include "runtime/log.h"

namespace aurite::host {
namespace {

using mcp::Json;

constexpr const char* kInputKey = "connection_entry";

constexpr const char* kNoUrlElicitation =
    "this MCP client cannot open a connection entry page (it did not declare URL-mode "
    "elicitation), and a password must never be asked for through the client. Add the "
    "connection without it: configure a named connection in aurite.json (\"connections\") and "
    "call connect_storage with connection_name, or run `aurite secure` in a terminal and pass "
    "the token it prints as connection_string. See docs/host.md.";

bool SupportsUrlElicitation(const Json& capabilities) {
  auto it = capabilities.find("elicitation");
  return it != capabilities.end() && it->is_object() && it->contains("url");
}

std::string ClientName(const mcp::ServerSession& session, const mcp::CallContext& context) {
  Json info = session.client_info();
  // A 2026-07-28 request names its client in _meta.
  if (context.request_params != nullptr && context.request_params->contains("_meta")) {
    const Json& meta = (*context.request_params)["_meta"];
    if (meta.is_object() && meta.contains(mcp::meta_key::kClientInfo)) {
      info = meta[mcp::meta_key::kClientInfo];
    }
  }
  if (!info.is_object()) return "";
  const std::string title = info.value("title", "");
  return title.empty() ? info.value("name", "") : title;
}

std::string Message(const EntryDetails& details, const std::string& code) {
  return fmt::format(
      "{} asks for a {} database connection{}. Open the link and enter the connection there, "
      "with the confirmation code {}. What you enter goes to the Aurite gateway only, "
      "encrypted at once; neither this client nor its model sees it.",
      details.client_name.empty() ? "Your assistant" : details.client_name, details.storage_type,
      details.description.empty() ? "" : " (" + details.description + ")", code);
}

ConnectionElicitation::Outcome Failure(const std::string& message) {
  return {std::nullopt, mcp::ToolErrorResult(message)};
}

ConnectionElicitation::Outcome Declined(const std::string& action) {
  return Failure("the user " + std::string(action == "decline" ? "declined" : "cancelled") +
                 " the request to enter a database connection; no connection was made. Ask "
                 "them before trying again, or use a named connection (connection_name).");
}

// The action of an elicitation result; "" when it has none.
std::string ActionOf(const Json* result) {
  if (result == nullptr || !result->is_object()) return "";
  auto it = result->find("action");
  return it != result->end() && it->is_string() ? it->get<std::string>() : "";
}

ConnectionElicitation::Outcome WaitFailure(const Status& status) {
  return Failure("no connection was made: " + status.message());
}

}  // namespace

ConnectionElicitation::ConnectionElicitation(MCPHost& host, std::chrono::milliseconds lifetime)
    : host_(host),
      table_(EntrySecuring{
                 [this](const EntryDetails& details, crypto::SecretBuffer text) {
                   return Secure(details, std::move(text));
                 },
                 [this](SecuredEntry& entry) { (void)host_.RevokeToken(entry.token.Reveal()); }},
             ConnectionEntryTable::Options{lifetime, 64, 5, {}}),
      page_(table_) {}

ConnectionElicitation::~ConnectionElicitation() {
  closer_.request_stop();
  if (closer_.joinable()) closer_.join();
}

void ConnectionElicitation::ServeOn(mcp::HttpServerOptions& options) {
  options.pages_prefix = ConnectionEntryPage::kPathPrefix;
  options.pages = [this](mcp::PageRequest& request) { return page_.Serve(request); };
}

void ConnectionElicitation::UseSignIn(std::unique_ptr<EntrySignIn> sign_in) {
  sign_in_ = std::move(sign_in);
  page_.UseSignIn(sign_in_.get());
}

void ConnectionElicitation::SetPageBase(std::string base) {
  std::lock_guard lock(mu_);
  page_base_ = std::move(base);
}

void ConnectionElicitation::UseSideListener(mcp::McpServer& server) {
  std::lock_guard lock(mu_);
  side_server_ = &server;
  closer_ = std::jthread([this](std::stop_token stop) { Closer(stop); });
}

void ConnectionElicitation::Closer(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    if (close_at_ && std::chrono::steady_clock::now() >= *close_at_) {
      close_at_.reset();
      if (table_.HasPending()) continue;  // a 2026-07-28 entry awaiting its retry
      std::unique_ptr<mcp::HttpServer> idle = std::move(side_listener_);
      page_base_.clear();
      lock.unlock();
      if (idle) {
        idle->Stop();
        runtime::LogInfo("connection entry pages: side listener closed (nothing pending)");
      }
      lock.lock();
      continue;
    }
    if (close_at_) {
      const auto at = *close_at_;
      close_cv_.wait_until(lock, stop, at, [&] { return close_at_ != at; });
    } else if (side_listener_ != nullptr) {
      // Entries also end by expiring, with no call left to notice: look again.
      close_cv_.wait_for(lock, stop, kSideListenerLinger, [&] { return close_at_.has_value(); });
      if (!close_at_ && side_listener_ != nullptr && !table_.HasPending()) {
        close_at_ = std::chrono::steady_clock::now() + kSideListenerLinger;
      }
    } else {
      close_cv_.wait(lock, stop, [&] { return close_at_.has_value(); });
    }
  }
}

StatusOr<SecuredEntry> ConnectionElicitation::Secure(const EntryDetails& details,
                                                     crypto::SecretBuffer text) {
  ManagedServer* backend = host_.StorageServer("");
  if (backend == nullptr) {
    return FailedPreconditionError("the gateway has no storage server to connect with");
  }
  AURITE_ASSIGN_OR_RETURN(security::SecuredCredential secured,
                          host_.SecureForServer(std::move(text), backend->name(), details.owner));
  return SecuredEntry{std::move(secured.token), std::move(secured.masked), backend->name()};
}

StatusOr<std::string> ConnectionElicitation::PageUrl(const std::string& id) {
  std::lock_guard lock(mu_);
  close_at_.reset();
  if (side_server_ != nullptr && side_listener_ == nullptr) {
    mcp::HttpServerOptions options;
    options.address = "127.0.0.1";
    options.serve_mcp = false;
    options.limits.max_connections = 16;
    options.limits.max_connections_per_client = 16;
    ServeOn(options);
    auto listener = std::make_unique<mcp::HttpServer>(*side_server_, std::move(options));
    AURITE_RETURN_IF_ERROR(listener->Start());
    page_base_ = "http://127.0.0.1:" + std::to_string(listener->port());
    side_listener_ = std::move(listener);
    runtime::LogInfo("connection entry pages: listening on {}", page_base_);
  }
  if (page_base_.empty()) {
    return FailedPreconditionError("the gateway serves no connection entry pages");
  }
  return page_base_ + ConnectionEntryPath(id);
}

void ConnectionElicitation::CloseIdleListener() {
  std::lock_guard lock(mu_);
  if (side_listener_ == nullptr || table_.HasPending()) return;
  close_at_ = std::chrono::steady_clock::now() + kSideListenerLinger;
  close_cv_.notify_all();
}

ConnectionElicitation::Outcome ConnectionElicitation::Request(const std::string& storage_type,
                                                              const std::string& description,
                                                              mcp::CallContext& context) {
  const bool modern =
      context.request_params != nullptr && mcp::IsModernEraRequest(*context.request_params);
  // A retry carries the state of the entry it answers, whatever its capabilities say.
  if (!(modern && mcp::RequestState(context)) &&
      !SupportsUrlElicitation(context.session.client_capabilities())) {
    return Failure(kNoUrlElicitation);
  }
  if (host_.StorageServer("") == nullptr) {
    return Failure(
        "no server with the \"storage\" capability is configured, so no connection "
        "can be opened; add one to aurite.json (mcpServers, capabilities [\"storage\"])");
  }
  Outcome outcome = modern ? RequestModern(storage_type, description, context)
                           : RequestLegacy(storage_type, description, context);
  CloseIdleListener();
  return outcome;
}

StatusOr<ConnectionElicitation::NewEntry> ConnectionElicitation::OpenEntry(
    const std::string& storage_type, const std::string& description, mcp::CallContext& context) {
  // An OAuth principal must sign in on the page as itself; anyone else is
  // identified by the confirmation code its client shows.
  std::string subject;
  const std::shared_ptr<const mcp::AuthInfo> auth = context.session.auth();
  if (auth != nullptr && auth->kind == mcp::AuthInfo::Kind::kOAuth) {
    if (sign_in_ == nullptr) {
      return FailedPreconditionError(
          "this gateway cannot check on its entry page that the person who opens the link is "
          "you, so it asks no OAuth user for a connection there; use a named connection "
          "(connection_name), or ask the operator to set gateway.auth.entry_page");
    }
    subject = mcp::PrincipalKey(*auth);
  }
  EntryDetails details{context.session.owner().key, storage_type, description,
                       ClientName(context.session, context), subject};
  AURITE_ASSIGN_OR_RETURN(ConnectionEntryTable::Opened opened, table_.Open(details));
  StatusOr<std::string> url = PageUrl(opened.id);
  if (!url.ok()) {
    table_.Cancel(opened.id);
    return url.status();
  }
  return NewEntry{opened.id, details.owner, std::move(url).value(), Message(details, opened.code)};
}

ConnectionElicitation::Outcome ConnectionElicitation::AwaitEntry(const std::string& id,
                                                                 const std::string& owner,
                                                                 mcp::CallContext& context) {
  StatusOr<SecuredEntry> secured = table_.Wait(id, owner, context.rpc.stop_token());
  if (!secured.ok()) {
    table_.Cancel(id);
    return WaitFailure(secured.status());
  }
  return {std::move(secured).value(), Json::object()};
}

ConnectionElicitation::Outcome ConnectionElicitation::RequestLegacy(const std::string& storage_type,
                                                                    const std::string& description,
                                                                    mcp::CallContext& context) {
  StatusOr<NewEntry> entry = OpenEntry(storage_type, description, context);
  if (!entry.ok()) return Failure(entry.status().message());
  const std::string elicitation_id = crypto::RandomHex(16);
  mcp::CallOptions options;
  options.cancel = context.rpc.stop_token();
  options.timeout = std::chrono::hours(1);  // the user reads and consents first
  mcp::RpcResult answer = context.session.Elicit({{"mode", "url"},
                                                  {"elicitationId", elicitation_id},
                                                  {"message", entry->message},
                                                  {"url", entry->url}},
                                                 options);
  if (!answer.ok()) {
    table_.Cancel(entry->id);
    return Failure("the client did not show the connection entry link: " + answer.error().message);
  }
  const std::string action = ActionOf(&answer.value());
  if (action != "accept") {
    table_.Cancel(entry->id);
    return Declined(action);
  }
  Outcome outcome = AwaitEntry(entry->id, entry->owner, context);
  if (outcome.secured) {
    (void)context.session.Notify("notifications/elicitation/complete",
                                 {{"elicitationId", elicitation_id}});
  }
  return outcome;
}

ConnectionElicitation::Outcome ConnectionElicitation::RequestModern(const std::string& storage_type,
                                                                    const std::string& description,
                                                                    mcp::CallContext& context) {
  if (std::optional<std::string> state = mcp::RequestState(context)) {
    // The retry: the state is ours (sealed), naming the entry and its owner.
    const Json parsed = Json::parse(*state, nullptr, false);
    const std::string id = parsed.is_object() ? parsed.value("entry", "") : "";
    const std::string owner = parsed.is_object() ? parsed.value("owner", "") : "";
    const std::string action = ActionOf(mcp::InputResponse(context, kInputKey));
    if (action != "accept") {
      table_.Cancel(id);
      return Declined(action);
    }
    return AwaitEntry(id, owner, context);
  }
  StatusOr<NewEntry> entry = OpenEntry(storage_type, description, context);
  if (!entry.ok()) return Failure(entry.status().message());
  Json request = {{"method", "elicitation/create"},
                  {"params", {{"mode", "url"}, {"message", entry->message}, {"url", entry->url}}}};
  const std::string state = mcp::Dump(Json{{"entry", entry->id}, {"owner", entry->owner}});
  return {std::nullopt, mcp::InputRequiredResult({{kInputKey, std::move(request)}}, state)};
}

}  // namespace aurite::host
