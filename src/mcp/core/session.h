// Session: one JSON-RPC 2.0 peer over any transport, symmetric for clients
// and servers. It correlates our requests with their responses, applies
// per-request timeouts (sending notifications/cancelled), honours incoming
// cancellation, carries progress both ways and answers ping itself.
// A timed-out or cancelled call fails at once; its notifications/cancelled
// is sent afterwards from the pool, so the shared timer thread never writes.
//
// Contract:
//  - The transport calls Receive() with each wire text (or ReceiveParsed()
//    with a text it parsed itself) and Close() when the peer is gone.
//    Receive() may run on several threads at once (HTTP);
//    messages from one thread are handled in order. `send` must be thread-safe; it is called
//    from handler threads and from Call().
//  - Incoming requests run on a thread pool, so a handler may itself Call()
//    the peer. Incoming notifications run in arrival order on one strand.
//    notifications/cancelled and notifications/progress are handled inline.
//  - A handler may answer later (RequestContext::Defer): a proxy forwards a
//    request with CallAsync() and answers from its callback, so no thread
//    waits in between.
//  - A cancelled request's handler still runs to its end (it should poll
//    RequestContext::cancelled()), but its response is not sent.
//  - Bad input is answered with a JSON-RPC error and never stops the session;
//    responses to unknown ids are logged and dropped.
//  - The destructor closes the session and waits for running handlers. It
//    must not run on one of this session's handler threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "mcp/core/jsonrpc.h"
#include "mcp/core/message_parser.h"
#include "runtime/thread_pool.h"
#include "runtime/timer_queue.h"

namespace aurite::mcp {

class Session;

using SendFn = std::function<Status(std::string)>;

struct SessionOptions {
  ParseLimits limits;
  // A response whose wire text would be longer than this (0: no limit) is
  // replaced by an error saying so: the peer reads messages up to a limit
  // of its own, and an answer it drops unread would leave its call waiting.
  std::size_t max_response_bytes = 0;
  std::chrono::milliseconds default_timeout = std::chrono::seconds(60);
  // Shared by many sessions (e.g. HTTP); null makes a private pool.
  std::shared_ptr<runtime::ThreadPool> pool;
};

struct CallOptions {
  std::optional<std::chrono::milliseconds> timeout;  // default_timeout when unset
  // When set, the request carries a progressToken and each
  // notifications/progress params object is passed here (on the reader thread).
  std::function<void(const Json&)> on_progress;
  bool reset_timeout_on_progress = false;
  // When stop is requested (e.g. the RequestContext::stop_token of the
  // incoming request this call serves), the call sends notifications/cancelled
  // for its request and returns kRequestCancelled at once.
  std::stop_token cancel;
};

namespace error_code {
// Our call was cancelled by CallOptions::cancel (the LSP's RequestCancelled).
inline constexpr int kRequestCancelled = -32800;
}  // namespace error_code

class RequestContext;

// The response a deferred request still owes (RequestContext::Defer). Copies
// share one response: the first Send() counts, later ones are ignored. When
// the last copy goes away unsent, an internal error is sent instead, so no
// request is left without an answer.
class Responder {
 public:
  Responder() = default;
  // Any thread. The result first passes the context's finishers (Then).
  void Send(RpcResult result) const;

 private:
  friend class RequestContext;
  struct State;
  explicit Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// What a request handler knows about the request it is serving.
class RequestContext : public std::enable_shared_from_this<RequestContext> {
 public:
  RequestContext(Session& session, RequestId id, std::string method, Json progress_token);

  const RequestId& id() const { return id_; }
  const std::string& method() const { return method_; }
  bool cancelled() const { return cancelled_.load(); }
  // Stops with cancelled(): pass it as CallOptions::cancel so the calls this
  // handler makes to another peer are cancelled along with it.
  std::stop_token stop_token() const { return stop_.get_token(); }
  Session& session() { return session_; }
  const Session& session() const { return session_; }

  // Sends notifications/progress when the caller asked for progress; no-op otherwise.
  void SendProgress(double progress, std::optional<double> total = std::nullopt,
                    const std::string& message = {});

  // Lets the handler return before it has its result: it returns
  // DeferredResult() and the Responder sends the response later, from any
  // thread. The request counts as running until then (Session::WaitIdle and
  // the destructor wait for it), so tie the work to stop_token(): closing the
  // session cancels it. Call at most once, from the handler.
  Responder Defer();
  // For a layer between the session and the handler that finishes results
  // (checks, redaction): returns finish(result) at once, or, when the handler
  // deferred, keeps `finish` for the Responder, which applies the finishers
  // innermost first. Call it on the handler's thread, before returning.
  // A template, so the usual case (not deferred) costs no std::function.
  template <typename Finish>
  RpcResult Then(RpcResult result, Finish&& finish) {
    if (!deferred()) return finish(std::move(result));
    AddFinisher(std::forward<Finish>(finish));
    return result;
  }
  // Runs `work` on the session's pool and sends its result: for a handler
  // running inline that finds it must block after all. Returns DeferredResult().
  RpcResult Offload(std::function<RpcResult()> work);

 private:
  friend class Session;
  friend class Responder;
  using Finisher = std::function<RpcResult(RpcResult)>;

  // Runs stop callbacks inline: never call it holding Session's mutex.
  void Cancel();
  bool deferred();
  void AddFinisher(Finisher finish);
  // The handler returned `result`: the response to send now, if any.
  std::optional<RpcResult> HandlerReturned(RpcResult result);
  // A Responder's result: sent now if the handler has returned, else kept.
  void Deliver(RpcResult result);
  RpcResult Finish(RpcResult result);

  Session& session_;
  RequestId id_;
  std::string method_;
  Json progress_token_;
  std::function<void(std::string)> reply_;

  std::atomic<bool> cancelled_{false};
  std::stop_source stop_;

  std::mutex defer_mu_;
  bool deferred_ = false;
  bool handler_returned_ = false;
  std::optional<RpcResult> early_result_;  // sent before the handler returned
  std::vector<Finisher> finishers_;
};

// What a deferring handler returns; the session ignores it.
inline RpcResult DeferredResult() { return Json(nullptr); }

class Session {
 public:
  using RequestHandler = std::function<RpcResult(const Request&, RequestContext&)>;
  using NotificationHandler = std::function<void(const Notification&)>;

  explicit Session(SendFn send, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Set both before the first Receive(). Without a request handler every
  // method but ping is answered with -32601.
  void SetRequestHandler(RequestHandler handler) { request_handler_ = std::move(handler); }
  void SetNotificationHandler(NotificationHandler handler) {
    notification_handler_ = std::move(handler);
  }
  // JSON-RPC batches are refused unless allowed (MCP 2025-03-26 and older).
  void SetBatchesAllowed(bool allowed) { batches_allowed_ = allowed; }
  // Requests for which it returns true run on the thread that called
  // Receive(), saving a thread hand-off: for quick handlers only, as reading
  // waits for them. Call() from such a handler fails at once (nobody would
  // read its response). Set before the first Receive().
  void SetInlinePredicate(std::function<bool(const Request&)> predicate) {
    inline_predicate_ = std::move(predicate);
  }
  // For a transport whose reading can move to another thread (stdio): a
  // request bound for the pool runs on the thread that received it instead,
  // once `hand_off(pool)` has moved the reading to a pool worker that starts
  // at once. It returns false when it could not (no worker free at once, or
  // the caller is not the reading thread); the request then goes to the pool.
  // The reply waits for no worker to wake, and input is still read while the
  // request runs (cancellations, answers to its own calls). Requests of a
  // batch always go to the pool. Set before the first Receive().
  using ReaderHandoff = std::function<bool(runtime::ThreadPool&)>;
  void SetReaderHandoff(ReaderHandoff hand_off) { reader_handoff_ = std::move(hand_off); }

  void Receive(std::string_view text);
  // The same for a message the transport has parsed already (ParseJsonText,
  // under the transport's own limits), so it is not parsed twice.
  void ReceiveParsed(Json message);
  // The peer will send nothing more (e.g. stdin reached EOF): pending and new
  // calls fail with kConnectionClosed, but running handlers finish and their
  // replies and notifications are still sent.
  void EndOfInput();
  // The peer is gone: as EndOfInput, and running handlers see cancelled().
  void Close();
  bool closed() const;
  // Blocks until no handler is running or queued.
  void WaitIdle();

  // The request whose handler is running on this thread, if any: lets a
  // transport send a handler's notifications on that request's stream.
  static const RequestContext* CurrentRequest();

  // Sends a request and waits for its outcome: the peer's result or error,
  // kRequestTimeout (notifications/cancelled follows) or kConnectionClosed.
  RpcResult Call(const std::string& method, Json params, const CallOptions& options = {});
  // Call without waiting: `done` runs once with the outcome, on the thread
  // that learnt it (the reader for a response, the timer thread for a
  // timeout, the canceller, or the caller itself when sending failed). It
  // must not destroy this session, and must not block: the timer thread is
  // shared by every session of the process. Allowed from inline handlers.
  using CallDone = std::function<void(RpcResult)>;
  void CallAsync(const std::string& method, Json params, const CallOptions& options, CallDone done);
  Status Notify(const std::string& method, Json params = nullptr);
  // The transport learnt that the response to our call `id` will never be
  // read (it was over the size limit): the call ends now with `error`.
  // False when no such call is waiting.
  bool FailCall(const RequestId& id, RpcError error);
  // As FailCall, for the one call waiting; false unless exactly one waits.
  bool FailSoleCall(RpcError error);

 private:
  friend class RequestContext;
  struct PendingCall;
  struct Lifeline;
  // Takes the compact wire text of one reply, so a raw result is never parsed.
  using ReplyFn = std::function<void(std::string)>;
  class BatchReply;

  // Receive() after the parse: a batch or one message.
  void ReceiveValue(Json message);
  void ReceiveBatch(Json batch);
  // `in_batch`: a request of a batch never runs on the receiving thread.
  void ReceiveOne(std::variant<Message, Rejection> classified, const ReplyFn& reply, bool in_batch);
  void DispatchRequest(Request request, ReplyFn reply, bool in_batch);
  void RunRequest(const Request& request, RequestContext& context);
  // Sends `context`'s response (unless it was cancelled) and retires it.
  void FinishRequest(RequestContext& context, RpcResult result);
  // Ends a call that got no response: completes it with `error`, then has
  // notifications/cancelled sent for it with `reason` off this thread (it
  // runs on the shared timer thread for a timeout). No-op if it already ended.
  void Abandon(const std::shared_ptr<PendingCall>& pending, const std::string& reason,
               RpcError error);
  // Sends notifications/cancelled for our request `id` from the pool, best
  // effort: a peer that does not read must not hold up the caller's thread.
  void NotifyCancelledOnPool(const RequestId& id, const std::string& reason);
  // Removes `pending` from the calls awaiting a response; false when it had
  // already ended (whoever removes it completes it).
  bool Withdraw(const PendingCall& pending);
  static void Complete(PendingCall& pending, RpcResult result);
  void ArmTimerLocked(const std::shared_ptr<PendingCall>& pending);
  std::vector<std::shared_ptr<PendingCall>> TakePendingLocked();
  static void FailPending(const std::vector<std::shared_ptr<PendingCall>>& calls);
  void DispatchNotification(Notification notification);
  void DrainNotifications();
  void HandleResponse(Response response);
  void HandleCancelled(const Json& params);
  void HandleProgress(const Json& params);
  void ReplyNow(Json response);
  void SendReply(std::string text);
  void HandlerDone();

  SendFn send_;
  SessionOptions options_;
  RequestHandler request_handler_;
  NotificationHandler notification_handler_;
  std::function<bool(const Request&)> inline_predicate_;
  ReaderHandoff reader_handoff_;
  std::atomic<bool> batches_allowed_{false};

  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  bool closed_ = false;
  bool input_ended_ = false;
  std::int64_t next_id_ = 1;
  std::map<std::string, std::shared_ptr<PendingCall>> pending_;      // by id key
  std::map<std::string, std::shared_ptr<PendingCall>> progress_;     // by token key
  std::map<std::string, std::shared_ptr<RequestContext>> incoming_;  // by id key
  std::deque<Notification> notifications_;
  bool draining_notifications_ = false;
  int running_ = 0;

  // Lets timer callbacks reach this session only while it lives.
  std::shared_ptr<Lifeline> lifeline_;
  std::shared_ptr<runtime::ThreadPool> pool_;  // last: joined first on destruction
};

}  // namespace aurite::mcp
