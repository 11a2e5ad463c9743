// Session bookkeeping: every map is keyed by RequestId::Key() and guarded by mu_.
#include "mcp/session.h"

#include <fmt/format.h>

#include <exception>
#include <vector>

#include "mcp/log.h"
#include "mcp/modern_era.h"

namespace aurite::mcp {

struct Session::PendingCall {
  std::optional<RpcResult> outcome;
  std::condition_variable cv;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds timeout{0};
  std::function<void(const Json&)> on_progress;
  bool reset_on_progress = false;
  std::string progress_key;
  bool cancelled = false;  // by CallOptions::cancel
};

// Collects the replies to one batch and sends them as one array when the last
// arrives. Replies are already wire text, so the array is their joined text.
class Session::BatchReply {
 public:
  BatchReply(Session& session, int expected) : session_(session), expected_(expected) {}
  void Add(std::string response) {
    std::unique_lock lock(mu_);
    text_.push_back(received_ == 0 ? '[' : ',');
    text_.append(response);
    if (++received_ < expected_) return;
    std::string all = std::move(text_);
    lock.unlock();
    all.push_back(']');
    session_.SendReply(std::move(all));
  }

 private:
  Session& session_;
  const int expected_;
  std::mutex mu_;
  int received_ = 0;
  std::string text_;
};

RequestContext::RequestContext(Session& session, RequestId id, std::string method,
                               Json progress_token)
    : session_(session),
      id_(std::move(id)),
      method_(std::move(method)),
      progress_token_(std::move(progress_token)) {}

void RequestContext::SendProgress(double progress, std::optional<double> total,
                                  const std::string& message) {
  if (progress_token_.is_null()) return;
  Json params = {{"progressToken", progress_token_}, {"progress", progress}};
  if (total) params["total"] = *total;
  if (!message.empty()) params["message"] = message;
  (void)session_.Notify("notifications/progress", std::move(params));
}

namespace {

thread_local const RequestContext* current_request = nullptr;
// True while a handler runs inline on a receiving thread.
thread_local bool running_inline = false;

class InlineScope {
 public:
  InlineScope() { running_inline = true; }
  ~InlineScope() { running_inline = false; }
  InlineScope(const InlineScope&) = delete;
  InlineScope& operator=(const InlineScope&) = delete;
};

// Marks `context` as the current request for the lifetime of the scope.
class CurrentRequestScope {
 public:
  explicit CurrentRequestScope(const RequestContext* context) { current_request = context; }
  ~CurrentRequestScope() { current_request = nullptr; }
  CurrentRequestScope(const CurrentRequestScope&) = delete;
  CurrentRequestScope& operator=(const CurrentRequestScope&) = delete;
};

Json ErrorResponse(const std::optional<RequestId>& id, const RpcError& error) {
  return Json{
      {"jsonrpc", "2.0"}, {"id", id ? id->ToJson() : Json(nullptr)}, {"error", error.ToJson()}};
}

Json ProgressToken(const Json& params) {
  if (!params.is_object()) return nullptr;
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return nullptr;
  auto token = meta->find("progressToken");
  if (token == meta->end() || !(token->is_string() || token->is_number_integer())) return nullptr;
  return *token;
}

RpcResult RunHandler(const Session::RequestHandler& handler, const Request& request,
                     RequestContext& context) {
  if (!handler) {
    return MakeError(error_code::kMethodNotFound,
                     fmt::format("method not found: {}", request.method));
  }
  // Handlers are application code: an escaped exception is a bug there, but
  // it must cost one request, not the process.
  try {
    return handler(request, context);
  } catch (const std::exception& e) {
    Logger().error("handler for {} threw: {}", request.method, e.what());
  } catch (...) {
    Logger().error("handler for {} threw a non-standard exception", request.method);
  }
  return MakeError(error_code::kInternalError, "internal error while handling the request");
}

}  // namespace

const RequestContext* Session::CurrentRequest() { return current_request; }

Session::Session(SendFn send, SessionOptions options)
    : send_(std::move(send)), options_(std::move(options)), pool_(options_.pool) {
  if (!pool_) pool_ = std::make_shared<ThreadPool>();
}

Session::~Session() {
  Close();
  WaitIdle();
}

bool Session::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void Session::FailPendingLocked() {
  input_ended_ = true;
  for (auto& [key, pending] : pending_) {
    pending->outcome = MakeError(error_code::kConnectionClosed, "connection closed");
    pending->cv.notify_all();
  }
  pending_.clear();
  progress_.clear();
}

void Session::EndOfInput() {
  std::lock_guard lock(mu_);
  FailPendingLocked();
}

void Session::Close() {
  std::vector<std::shared_ptr<RequestContext>> running;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    FailPendingLocked();
    for (auto& [key, context] : incoming_) running.push_back(context);
  }
  for (auto& context : running) context->Cancel();
}

void Session::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return running_ == 0; });
}

void Session::HandlerDone() {
  std::lock_guard lock(mu_);
  if (--running_ == 0) idle_cv_.notify_all();
}

void Session::ReplyNow(Json response) { SendReply(Dump(response)); }

void Session::SendReply(std::string text) {
  Status status = send_(std::move(text));
  if (!status.ok()) Logger().debug("reply not sent: {}", status.ToString());
}

void Session::Receive(std::string_view text) {
  {
    std::lock_guard lock(mu_);
    if (input_ended_) return;
  }
  auto parsed = ParseJsonText(text, options_.limits);
  if (auto* error = std::get_if<RpcError>(&parsed)) {
    Logger().warn("rejected message: {}", error->message);
    ReplyNow(ErrorResponse(std::nullopt, *error));
    return;
  }
  Json j = std::move(std::get<Json>(parsed));
  if (j.is_array()) {
    ReceiveBatch(std::move(j));
    return;
  }
  ReceiveOne(ClassifyMessage(std::move(j)), [this](std::string r) { SendReply(std::move(r)); });
}

void Session::ReceiveBatch(Json j) {
  if (!batches_allowed_ || j.empty()) {
    ReplyNow(ErrorResponse(std::nullopt,
                           MakeError(error_code::kInvalidRequest,
                                     j.empty() ? "empty batch"
                                               : "JSON-RPC batches are not supported in this "
                                                 "protocol version")));
    return;
  }
  std::vector<std::variant<Message, Rejection>> items;
  int expected = 0;
  for (auto& item : j) {
    items.push_back(ClassifyMessage(std::move(item)));
    const auto* rejection = std::get_if<Rejection>(&items.back());
    const bool replies = rejection
                             ? rejection->reply
                             : std::holds_alternative<Request>(std::get<Message>(items.back()));
    expected += replies ? 1 : 0;
  }
  auto batch = std::make_shared<BatchReply>(*this, expected);
  for (auto& item : items) {
    ReceiveOne(std::move(item), [batch](std::string r) { batch->Add(std::move(r)); });
  }
}

void Session::ReceiveOne(std::variant<Message, Rejection> classified, const ReplyFn& reply) {
  if (auto* rejection = std::get_if<Rejection>(&classified)) {
    Logger().warn("rejected message: {}", rejection->error.message);
    if (rejection->reply) reply(Dump(ErrorResponse(rejection->id, rejection->error)));
    return;
  }
  auto& message = std::get<Message>(classified);
  if (auto* request = std::get_if<Request>(&message)) {
    DispatchRequest(std::move(*request), reply);
  } else if (auto* notification = std::get_if<Notification>(&message)) {
    DispatchNotification(std::move(*notification));
  } else {
    HandleResponse(std::move(std::get<Response>(message)));
  }
}

void Session::DispatchRequest(Request request, ReplyFn reply) {
  // A 2026-07-28 ping (it carries _meta) is the server's to refuse: that era has none.
  if (request.method == "ping" && !IsModernEraRequest(request.params)) {
    reply(ResponseText(request.id, Json::object()));
    return;
  }
  const std::string key = request.id.Key();
  auto context = std::make_shared<RequestContext>(*this, request.id, request.method,
                                                  ProgressToken(request.params));
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (incoming_.contains(key)) {
      reply(Dump(ErrorResponse(request.id, MakeError(error_code::kInvalidRequest,
                                                     "a request with this id is still in "
                                                     "progress"))));
      return;
    }
    incoming_[key] = context;
    ++running_;
  }
  if (inline_predicate_ && inline_predicate_(request)) {
    InlineScope inline_scope;
    RunRequest(request, *context, key, reply);
    return;
  }
  pool_->Submit([this, request = std::move(request), context, key, reply = std::move(reply)] {
    RunRequest(request, *context, key, reply);
  });
}

void Session::RunRequest(const Request& request, RequestContext& context, const std::string& key,
                         const ReplyFn& reply) {
  CurrentRequestScope scope(&context);
  RpcResult result = RunHandler(request_handler_, request, context);
  {
    std::lock_guard lock(mu_);
    incoming_.erase(key);
  }
  if (!context.cancelled()) reply(ResponseText(request.id, std::move(result)));
  HandlerDone();
}

void Session::DispatchNotification(Notification notification) {
  if (notification.method == "notifications/cancelled") {
    HandleCancelled(notification.params);
    return;
  }
  if (notification.method == "notifications/progress") HandleProgress(notification.params);
  if (!notification_handler_) return;
  std::lock_guard lock(mu_);
  if (closed_) return;
  notifications_.push_back(std::move(notification));
  if (draining_notifications_) return;
  draining_notifications_ = true;
  ++running_;
  pool_->Submit([this] { DrainNotifications(); });
}

void Session::DrainNotifications() {
  std::unique_lock lock(mu_);
  while (!notifications_.empty()) {
    Notification next = std::move(notifications_.front());
    notifications_.pop_front();
    lock.unlock();
    try {
      notification_handler_(next);
    } catch (const std::exception& e) {
      Logger().error("notification handler for {} threw: {}", next.method, e.what());
    }
    lock.lock();
  }
  draining_notifications_ = false;
  lock.unlock();
  HandlerDone();
}

void Session::HandleResponse(Response response) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(response.id.Key());
  if (it == pending_.end()) {
    Logger().warn("ignored a response to unknown request id {}", response.id.Key());
    return;
  }
  it->second->outcome = std::move(response.result);
  it->second->cv.notify_all();
  if (!it->second->progress_key.empty()) progress_.erase(it->second->progress_key);
  pending_.erase(it);
}

void Session::HandleCancelled(const Json& params) {
  if (!params.is_object() || !params.contains("requestId")) return;
  auto id = RequestId::FromJson(params["requestId"]);
  if (!id) return;
  std::shared_ptr<RequestContext> context;
  {
    std::lock_guard lock(mu_);
    if (auto it = incoming_.find(id->Key()); it != incoming_.end()) context = it->second;
  }
  if (context) context->Cancel();
}

void Session::HandleProgress(const Json& params) {
  if (!params.is_object() || !params.contains("progressToken")) return;
  auto token = RequestId::FromJson(params["progressToken"]);
  if (!token) return;
  std::shared_ptr<PendingCall> pending;
  {
    std::lock_guard lock(mu_);
    auto it = progress_.find(token->Key());
    if (it == progress_.end()) return;
    pending = it->second;
    if (pending->reset_on_progress) {
      pending->deadline = std::chrono::steady_clock::now() + pending->timeout;
      pending->cv.notify_all();
    }
  }
  if (pending->on_progress) pending->on_progress(params);
}

void RequestContext::Cancel() {
  cancelled_ = true;
  stop_.request_stop();
}

namespace {

RpcError Cancelled(const std::string& method) {
  return MakeError(error_code::kRequestCancelled, fmt::format("{} was cancelled", method));
}

}  // namespace

RpcResult Session::Call(const std::string& method, Json params, const CallOptions& options) {
  if (running_inline) {
    // Its response would have to be read by the very thread waiting for it.
    return MakeError(error_code::kInternalError,
                     fmt::format("a handler that runs inline cannot send {} to the peer; run it "
                                 "on the pool instead",
                                 method));
  }
  auto pending = std::make_shared<PendingCall>();
  pending->timeout = options.timeout.value_or(options_.default_timeout);
  pending->on_progress = options.on_progress;
  pending->reset_on_progress = options.reset_timeout_on_progress;
  auto wake = [this, pending] {
    std::lock_guard lock(mu_);
    pending->cancelled = true;
    pending->cv.notify_all();
  };
  // Declared before `lock`, so it is destroyed after the mutex is released:
  // its destructor waits for a callback running on another thread.
  std::optional<std::stop_callback<decltype(wake)>> on_cancel;
  if (options.cancel.stop_possible()) on_cancel.emplace(options.cancel, wake);
  std::unique_lock lock(mu_);
  if (input_ended_) return MakeError(error_code::kConnectionClosed, "connection closed");
  if (pending->cancelled) return Cancelled(method);
  const RequestId id(next_id_++);
  const std::string key = id.Key();
  if (options.on_progress) {
    if (params.is_null()) params = Json::object();
    params["_meta"]["progressToken"] = id.ToJson();
    pending->progress_key = key;
    progress_[key] = pending;
  }
  pending_[key] = pending;
  pending->deadline = std::chrono::steady_clock::now() + pending->timeout;
  lock.unlock();

  Status sent = send_(Dump(ToJson(Request{id, method, std::move(params)})));
  lock.lock();
  if (!sent.ok()) {
    pending_.erase(key);
    progress_.erase(key);
    return MakeError(error_code::kConnectionClosed, sent.message());
  }
  while (!pending->outcome) {
    if (pending->cancelled) {
      pending_.erase(key);
      progress_.erase(key);
      lock.unlock();
      (void)Notify("notifications/cancelled",
                   {{"requestId", id.ToJson()}, {"reason", "the caller cancelled the request"}});
      return Cancelled(method);
    }
    if (pending->cv.wait_until(lock, pending->deadline) == std::cv_status::timeout &&
        !pending->outcome && std::chrono::steady_clock::now() >= pending->deadline) {
      pending_.erase(key);
      progress_.erase(key);
      lock.unlock();
      (void)Notify("notifications/cancelled",
                   {{"requestId", id.ToJson()}, {"reason", "request timed out"}});
      return MakeError(error_code::kRequestTimeout,
                       fmt::format("{} timed out after {} ms", method, pending->timeout.count()));
    }
  }
  return std::move(*pending->outcome);
}

Status Session::Notify(const std::string& method, Json params) {
  if (closed()) return UnavailableError("connection closed");
  return send_(Dump(ToJson(Notification{method, std::move(params)})));
}

}  // namespace aurite::mcp
