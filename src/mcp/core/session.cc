// Session bookkeeping: every map is keyed by RequestId::Key() and guarded by mu_.
#include "mcp/core/session.h"

#include <fmt/format.h>

#include <exception>
#include <vector>

#include "mcp/core/modern_era.h"
#include "runtime/log.h"

namespace aurite::mcp {

// One call of ours awaiting its response. It is in pending_ until it ends;
// whoever removes it from there completes it, so `done` runs exactly once.
struct Session::PendingCall {
  RequestId id{std::int64_t{0}};
  std::string method;
  CallDone done;
  std::chrono::milliseconds timeout{0};
  runtime::TimerQueue::Id timer = 0;  // guarded by Session::mu_
  std::function<void(const Json&)> on_progress;
  bool reset_on_progress = false;
  std::string progress_key;
  // Destroyed with the call, which deregisters it; so the call must never be
  // destroyed under Session::mu_ (the callback takes that mutex).
  std::optional<std::stop_callback<std::function<void()>>> on_cancel;
};

struct Session::Lifeline {
  std::mutex mu;
  Session* session = nullptr;  // null once the session is being destroyed
};

struct Responder::State {
  explicit State(std::shared_ptr<RequestContext> c) : context(std::move(c)) {}
  ~State() {
    if (!sent.exchange(true)) {
      context->Deliver(MakeError(error_code::kInternalError,
                                 "the request's handler dropped it without an answer"));
    }
  }
  std::shared_ptr<RequestContext> context;
  std::atomic<bool> sent{false};
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

void Responder::Send(RpcResult result) const {
  if (state_ && !state_->sent.exchange(true)) state_->context->Deliver(std::move(result));
}

Responder RequestContext::Defer() {
  std::lock_guard lock(defer_mu_);
  deferred_ = true;
  return Responder(std::make_shared<Responder::State>(shared_from_this()));
}

bool RequestContext::deferred() {
  std::lock_guard lock(defer_mu_);
  return deferred_;
}

void RequestContext::AddFinisher(Finisher finish) {
  std::lock_guard lock(defer_mu_);
  finishers_.push_back(std::move(finish));
}

RpcResult RequestContext::Offload(std::function<RpcResult()> work) {
  session_.pool_->Submit([responder = Defer(), work = std::move(work)] { responder.Send(work()); });
  return DeferredResult();
}

std::optional<RpcResult> RequestContext::HandlerReturned(RpcResult result) {
  std::unique_lock lock(defer_mu_);
  handler_returned_ = true;
  if (!deferred_) return result;
  if (!early_result_) return std::nullopt;
  RpcResult early = std::move(*early_result_);
  early_result_.reset();
  lock.unlock();
  return Finish(std::move(early));
}

void RequestContext::Deliver(RpcResult result) {
  {
    std::lock_guard lock(defer_mu_);
    // The outer layers have not added their finishers yet.
    if (!handler_returned_) {
      early_result_ = std::move(result);
      return;
    }
  }
  session_.FinishRequest(*this, Finish(std::move(result)));
}

RpcResult RequestContext::Finish(RpcResult result) {
  for (auto& finish : finishers_) result = finish(std::move(result));
  return result;
}

namespace {

thread_local const RequestContext* current_request = nullptr;
// The session whose handler runs inline on this (its receiving) thread.
thread_local const Session* running_inline = nullptr;

// Both scopes restore what they replaced: a handler may feed another
// session whose request then runs inline on the same thread (a task's
// worker session, mcp/server/task_runner.h).
class InlineScope {
 public:
  explicit InlineScope(const Session* session) : previous_(running_inline) {
    running_inline = session;
  }
  ~InlineScope() { running_inline = previous_; }
  InlineScope(const InlineScope&) = delete;
  InlineScope& operator=(const InlineScope&) = delete;

 private:
  const Session* previous_;
};

// Marks `context` as the current request for the lifetime of the scope.
class CurrentRequestScope {
 public:
  explicit CurrentRequestScope(const RequestContext* context) : previous_(current_request) {
    current_request = context;
  }
  ~CurrentRequestScope() { current_request = previous_; }
  CurrentRequestScope(const CurrentRequestScope&) = delete;
  CurrentRequestScope& operator=(const CurrentRequestScope&) = delete;

 private:
  const RequestContext* previous_;
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
    runtime::LogError("handler for {} threw: {}", request.method, e.what());
  } catch (...) {
    runtime::LogError("handler for {} threw a non-standard exception", request.method);
  }
  return MakeError(error_code::kInternalError, "internal error while handling the request");
}

}  // namespace

const RequestContext* Session::CurrentRequest() { return current_request; }

Session::Session(SendFn send, SessionOptions options)
    : send_(std::move(send)),
      options_(std::move(options)),
      lifeline_(std::make_shared<Lifeline>()),
      pool_(options_.pool) {
  lifeline_->session = this;
  if (!pool_) pool_ = std::make_shared<runtime::ThreadPool>();
}

Session::~Session() {
  Close();
  WaitIdle();
  std::lock_guard lock(lifeline_->mu);  // waits for a timer callback using us
  lifeline_->session = nullptr;
}

bool Session::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::vector<std::shared_ptr<Session::PendingCall>> Session::TakePendingLocked() {
  input_ended_ = true;
  std::vector<std::shared_ptr<PendingCall>> calls;
  for (auto& [key, pending] : pending_) calls.push_back(std::move(pending));
  pending_.clear();
  progress_.clear();
  return calls;
}

void Session::FailPending(const std::vector<std::shared_ptr<PendingCall>>& calls) {
  for (const auto& pending : calls) {
    Complete(*pending, MakeError(error_code::kConnectionClosed, "connection closed"));
  }
}

void Session::EndOfInput() {
  std::unique_lock lock(mu_);
  auto calls = TakePendingLocked();
  lock.unlock();
  FailPending(calls);
}

void Session::Close() {
  std::vector<std::shared_ptr<RequestContext>> running;
  std::vector<std::shared_ptr<PendingCall>> calls;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    calls = TakePendingLocked();
    for (auto& [key, context] : incoming_) running.push_back(context);
  }
  FailPending(calls);
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
  if (!status.ok()) runtime::LogDebug("reply not sent: {}", status.ToString());
}

void Session::Receive(std::string_view text) {
  {
    std::lock_guard lock(mu_);
    if (input_ended_) return;
  }
  auto parsed = ParseJsonText(text, options_.limits);
  if (auto* error = std::get_if<RpcError>(&parsed)) {
    runtime::LogWarn("rejected message: {}", error->message);
    ReplyNow(ErrorResponse(std::nullopt, *error));
    return;
  }
  ReceiveValue(std::move(std::get<Json>(parsed)));
}

void Session::ReceiveParsed(Json message) {
  {
    std::lock_guard lock(mu_);
    if (input_ended_) return;
  }
  ReceiveValue(std::move(message));
}

void Session::ReceiveValue(Json j) {
  if (j.is_array()) {
    ReceiveBatch(std::move(j));
    return;
  }
  ReceiveOne(
      ClassifyMessage(std::move(j)), [this](std::string r) { SendReply(std::move(r)); }, false);
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
    ReceiveOne(
        std::move(item), [batch](std::string r) { batch->Add(std::move(r)); }, true);
  }
}

void Session::ReceiveOne(std::variant<Message, Rejection> classified, const ReplyFn& reply,
                         bool in_batch) {
  if (auto* rejection = std::get_if<Rejection>(&classified)) {
    runtime::LogWarn("rejected message: {}", rejection->error.message);
    if (rejection->reply) reply(Dump(ErrorResponse(rejection->id, rejection->error)));
    return;
  }
  auto& message = std::get<Message>(classified);
  if (auto* request = std::get_if<Request>(&message)) {
    DispatchRequest(std::move(*request), reply, in_batch);
  } else if (auto* notification = std::get_if<Notification>(&message)) {
    DispatchNotification(std::move(*notification));
  } else {
    HandleResponse(std::move(std::get<Response>(message)));
  }
}

void Session::DispatchRequest(Request request, ReplyFn reply, bool in_batch) {
  // A 2026-07-28 ping (it carries _meta) is the server's to refuse: that era has none.
  if (request.method == "ping" && !IsModernEraRequest(request.params)) {
    reply(ResponseText(request.id, Json::object()));
    return;
  }
  const std::string key = request.id.Key();
  auto context = std::make_shared<RequestContext>(*this, request.id, request.method,
                                                  ProgressToken(request.params));
  context->reply_ = std::move(reply);
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (incoming_.contains(key)) {
      context->reply_(Dump(ErrorResponse(
          request.id,
          MakeError(error_code::kInvalidRequest, "a request with this id is still in progress"))));
      return;
    }
    incoming_[key] = context;
    ++running_;
  }
  if (inline_predicate_ && inline_predicate_(request)) {
    InlineScope inline_scope(this);
    RunRequest(request, *context);
    return;
  }
  // Another request of the batch would wait for this one to end.
  if (!in_batch && reader_handoff_ && reader_handoff_(*pool_)) {
    RunRequest(request, *context);
    return;
  }
  pool_->Submit([this, request = std::move(request), context] { RunRequest(request, *context); });
}

void Session::RunRequest(const Request& request, RequestContext& context) {
  CurrentRequestScope scope(&context);
  std::optional<RpcResult> result =
      context.HandlerReturned(RunHandler(request_handler_, request, context));
  if (result) FinishRequest(context, std::move(*result));
}

void Session::FinishRequest(RequestContext& context, RpcResult result) {
  // Keeps the context alive past its removal from incoming_.
  std::shared_ptr<RequestContext> keep = context.shared_from_this();
  {
    std::lock_guard lock(mu_);
    incoming_.erase(context.id().Key());
  }
  if (!context.cancelled()) {
    std::string text = ResponseText(context.id(), std::move(result));
    if (options_.max_response_bytes != 0 && text.size() > options_.max_response_bytes) {
      const std::size_t size = text.size();
      text = ResponseText(
          context.id(),
          MakeError(error_code::kInternalError,
                    fmt::format("the answer is {} bytes, over this server's limit of {} bytes "
                                "for one message; ask for less (fewer rows or columns)",
                                size, options_.max_response_bytes)));
    }
    context.reply_(std::move(text));
  }
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
      runtime::LogError("notification handler for {} threw: {}", next.method, e.what());
    }
    lock.lock();
  }
  draining_notifications_ = false;
  lock.unlock();
  HandlerDone();
}

void Session::HandleResponse(Response response) {
  std::unique_lock lock(mu_);
  auto it = pending_.find(response.id.Key());
  if (it == pending_.end()) {
    lock.unlock();
    runtime::LogWarn("ignored a response to unknown request id {}", response.id.Key());
    return;
  }
  std::shared_ptr<PendingCall> pending = std::move(it->second);
  pending_.erase(it);
  if (!pending->progress_key.empty()) progress_.erase(pending->progress_key);
  lock.unlock();
  Complete(*pending, std::move(response.result));
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
      runtime::TimerQueue::Shared().Cancel(pending->timer);
      ArmTimerLocked(pending);
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
  if (running_inline == this) {
    // Its response would have to be read by the very thread waiting for it.
    return MakeError(error_code::kInternalError,
                     fmt::format("a handler that runs inline cannot send {} to the peer; run it "
                                 "on the pool instead",
                                 method));
  }
  struct Outcome {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<RpcResult> result;
  };
  auto outcome = std::make_shared<Outcome>();
  CallAsync(method, std::move(params), options, [outcome](RpcResult result) {
    std::lock_guard lock(outcome->mu);
    outcome->result = std::move(result);
    outcome->cv.notify_one();
  });
  std::unique_lock lock(outcome->mu);
  outcome->cv.wait(lock, [&] { return outcome->result.has_value(); });
  return std::move(*outcome->result);
}

void Session::CallAsync(const std::string& method, Json params, const CallOptions& options,
                        CallDone done) {
  if (options.cancel.stop_requested()) {
    done(Cancelled(method));
    return;
  }
  auto pending = std::make_shared<PendingCall>();
  pending->method = method;
  pending->done = std::move(done);
  pending->timeout = options.timeout.value_or(options_.default_timeout);
  pending->on_progress = options.on_progress;
  pending->reset_on_progress = options.reset_timeout_on_progress;
  bool ended = false;
  {
    std::lock_guard lock(mu_);
    ended = input_ended_;
    if (!ended) {
      pending->id = RequestId(next_id_++);
      const std::string key = pending->id.Key();
      if (options.on_progress) {
        if (params.is_null()) params = Json::object();
        params["_meta"]["progressToken"] = pending->id.ToJson();
        pending->progress_key = key;
        progress_[key] = pending;
      }
      pending_[key] = pending;
      ArmTimerLocked(pending);
    }
  }
  if (ended) {
    // Completed outside the lock: `done` is the caller's code.
    Complete(*pending, MakeError(error_code::kConnectionClosed, "connection closed"));
    return;
  }
  if (options.cancel.stop_possible()) {
    std::weak_ptr<PendingCall> weak = pending;
    pending->on_cancel.emplace(options.cancel, std::function<void()>([this, weak] {
                                 if (auto call = weak.lock()) {
                                   Abandon(call, "the caller cancelled the request",
                                           Cancelled(call->method));
                                 }
                               }));
  }
  Status sent = send_(Dump(ToJson(Request{pending->id, method, std::move(params)})));
  if (!sent.ok() && Withdraw(*pending)) {
    Complete(*pending, MakeError(error_code::kConnectionClosed, sent.message()));
  }
}

void Session::ArmTimerLocked(const std::shared_ptr<PendingCall>& pending) {
  std::weak_ptr<PendingCall> weak = pending;
  pending->timer = runtime::TimerQueue::Shared().Schedule(
      std::chrono::steady_clock::now() + pending->timeout, [lifeline = lifeline_, weak] {
        std::lock_guard alive(lifeline->mu);
        auto call = weak.lock();
        if (lifeline->session == nullptr || !call) return;
        lifeline->session->Abandon(call, "request timed out",
                                   MakeError(error_code::kRequestTimeout,
                                             fmt::format("{} timed out after {} ms", call->method,
                                                         call->timeout.count())));
      });
}

bool Session::Withdraw(const PendingCall& pending) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(pending.id.Key());
  if (it == pending_.end() || it->second.get() != &pending) return false;
  // The caller holds the call, so erasing does not destroy it under mu_.
  pending_.erase(it);
  progress_.erase(pending.progress_key);
  return true;
}

void Session::Abandon(const std::shared_ptr<PendingCall>& pending, const std::string& reason,
                      RpcError error) {
  if (!Withdraw(*pending)) return;
  // The caller learns first; telling the peer may wait for a slow pipe.
  Complete(*pending, std::move(error));
  NotifyCancelledOnPool(pending->id, reason);
}

void Session::NotifyCancelledOnPool(const RequestId& id, const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;  // the peer is gone: nobody to tell
    // Counted as a handler, so the destructor waits for it (see ~Session).
    ++running_;
  }
  pool_->Submit([this, id, reason] {
    Status sent =
        Notify("notifications/cancelled", {{"requestId", id.ToJson()}, {"reason", reason}});
    if (!sent.ok()) runtime::LogDebug("cancellation not sent: {}", sent.ToString());
    HandlerDone();
  });
}

void Session::Complete(PendingCall& pending, RpcResult result) {
  runtime::TimerQueue::Shared().Cancel(pending.timer);
  CallDone done = std::move(pending.done);
  if (done) done(std::move(result));
}

bool Session::FailCall(const RequestId& id, RpcError error) {
  std::shared_ptr<PendingCall> pending;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(id.Key());
    if (it == pending_.end()) return false;
    pending = it->second;
  }
  if (!Withdraw(*pending)) return false;
  Complete(*pending, std::move(error));
  return true;
}

bool Session::FailSoleCall(RpcError error) {
  std::shared_ptr<PendingCall> pending;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() != 1) return false;
    pending = pending_.begin()->second;
  }
  if (!Withdraw(*pending)) return false;
  Complete(*pending, std::move(error));
  return true;
}

Status Session::Notify(const std::string& method, Json params) {
  if (closed()) return UnavailableError("connection closed");
  return send_(Dump(ToJson(Notification{method, std::move(params)})));
}

}  // namespace aurite::mcp
