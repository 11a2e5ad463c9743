// Streams are registered for a POST's request ids before the body reaches the
// session, so even an immediate reply (ping) finds its stream.
#include "mcp/transport/http_session.h"

#include <fmt/format.h>

#include <charconv>

#include "mcp/core/message_head.h"
#include "mcp/core/message_parser.h"
#include "mcp/core/protocol_version.h"
#include "runtime/log.h"

namespace aurite::mcp {
namespace {

constexpr std::size_t kRecentStreams = 32;

Json ErrorBody(const std::optional<RequestId>& id, const RpcError& error) {
  return {{"jsonrpc", "2.0"}, {"id", id ? id->ToJson() : Json(nullptr)}, {"error", error.ToJson()}};
}

// Ids of the responses in an outgoing message: its id when it is one
// response, each response's in a batch. Only a batch (rare: an answer to a
// batch of the 2025 eras) is parsed whole.
std::vector<std::string> ResponseKeys(std::string_view message, const MessageHead& head) {
  std::vector<std::string> keys;
  if (head.object) {
    if (!head.request && head.id) keys.push_back(head.id->Key());
    return keys;
  }
  if (!head.batch) return keys;
  for (const Json& m : Json::parse(message, nullptr, false)) {
    if (!m.is_object() || m.contains("method") || !m.contains("id")) continue;
    if (auto id = RequestId::FromJson(m["id"])) keys.push_back(id->Key());
  }
  return keys;
}

}  // namespace

HttpSession::HttpSession(McpServer& server, std::string id, std::size_t max_in_flight)
    : id_(std::move(id)), max_in_flight_(max_in_flight) {
  mcp_ = server.Connect([this](std::string message) { return Route(std::move(message)); });
}

HttpSession::~HttpSession() { Close(); }

void HttpSession::Close() {
  mcp_->Close();
  std::lock_guard lock(mu_);
  for (auto& [key, stream] : by_request_) stream->Finish();
  if (standalone_) standalone_->Finish();
}

void HttpSession::End() {
  Close();
  mcp_->End();
}

std::shared_ptr<EventStream> HttpSession::NewStreamLocked() {
  const std::uint64_t number = next_stream_++;
  auto stream = std::make_shared<EventStream>(std::to_string(number));
  recent_[number] = stream;
  if (recent_.size() > kRecentStreams) recent_.erase(recent_.begin());
  return stream;
}

HttpSession::PostOutcome HttpSession::Post(Json body) {
  if (body.is_array() && (body.empty() || !AllowsBatches(mcp_->protocol_version()))) {
    return Rejected{ErrorBody(std::nullopt, MakeError(error_code::kInvalidRequest,
                                                      "JSON-RPC batches are not supported in "
                                                      "this protocol version"))};
  }
  std::vector<std::string> keys;
  std::optional<RequestId> lone;  // the request's id when the POST carries one
  // The ids of the requests among the messages, or why one is refused.
  auto classify = [&](const Json& item) -> std::optional<Rejected> {
    auto classified = ClassifyMessage(item);
    if (auto* rejection = std::get_if<Rejection>(&classified)) {
      return Rejected{ErrorBody(rejection->id, rejection->error)};
    }
    auto& message = std::get<Message>(classified);
    if (auto* request = std::get_if<Request>(&message)) {
      keys.push_back(request->id.Key());
      lone = body.is_object() ? std::optional(request->id) : std::nullopt;
    }
    if (auto* notification = std::get_if<Notification>(&message)) ForgetCancelled(*notification);
    return std::nullopt;
  };
  if (!body.is_array()) {
    if (auto rejected = classify(body)) return *rejected;
  } else {
    for (const Json& item : body) {
      if (auto rejected = classify(item)) return *rejected;
    }
  }
  if (keys.empty()) {
    mcp_->ReceiveParsed(std::move(body));
    return NoRequests{};
  }
  std::shared_ptr<EventStream> stream;
  {
    std::lock_guard lock(mu_);
    for (const auto& key : keys) {
      if (by_request_.contains(key)) {
        return Rejected{ErrorBody(
            std::nullopt,
            MakeError(error_code::kInvalidRequest, "a request with this id is still in progress"))};
      }
    }
    // Each request in progress holds a handler and its stream: bounded, so
    // one session cannot take every worker or grow memory without end.
    if (by_request_.size() + keys.size() > max_in_flight_) {
      return Rejected{
          ErrorBody(lone, MakeError(error_code::kInvalidRequest,
                                    fmt::format("too many requests in progress in this session (at "
                                                "most {}); retry when one has been answered",
                                                max_in_flight_))),
          429};
    }
    stream = NewStreamLocked();
    for (const auto& key : keys) by_request_[key] = stream;
    awaiting_[stream.get()] = static_cast<int>(keys.size());
  }
  mcp_->ReceiveParsed(std::move(body));
  return stream;
}

void HttpSession::ForgetCancelled(const Notification& notification) {
  // A cancelled request gets no response, so its stream must not wait for one.
  if (notification.method != "notifications/cancelled" || !notification.params.is_object()) return;
  auto id = RequestId::FromJson(notification.params.value("requestId", Json()));
  if (!id) return;
  std::shared_ptr<EventStream> finished;
  {
    std::lock_guard lock(mu_);
    auto it = by_request_.find(id->Key());
    if (it == by_request_.end()) return;
    auto stream = it->second;
    by_request_.erase(it);
    if (--awaiting_[stream.get()] == 0) {
      awaiting_.erase(stream.get());
      finished = stream;
    }
  }
  if (finished) finished->Finish();
}

Status HttpSession::Route(std::string message) {
  const MessageHead head = ReadMessageHead(message);
  std::shared_ptr<EventStream> target;
  bool finish = false;
  {
    std::lock_guard lock(mu_);
    for (const auto& key : ResponseKeys(message, head)) {
      auto it = by_request_.find(key);
      if (it == by_request_.end()) continue;
      target = it->second;
      by_request_.erase(it);
      if (--awaiting_[target.get()] == 0) {
        awaiting_.erase(target.get());
        finish = true;
      }
    }
    const RequestContext* current = Session::CurrentRequest();
    if (!target && current != nullptr && &current->session() == &mcp_->rpc()) {
      auto it = by_request_.find(current->id().Key());
      if (it != by_request_.end()) target = it->second;
    }
    if (!target) target = standalone_;
  }
  if (!target) {
    runtime::LogDebug("no open stream for an outgoing message; dropped");
    return OkStatus();
  }
  target->Push(std::move(message), head.object && !head.request);
  if (finish) target->Finish();
  return OkStatus();
}

void HttpSession::BeginUse(bool passive) {
  std::lock_guard lock(mu_);
  ++users_;
  if (passive) ++passive_users_;
}

void HttpSession::EndUse(bool passive) {
  std::lock_guard lock(mu_);
  --users_;
  if (passive) {
    --passive_users_;
  } else {
    last_used_ = std::chrono::steady_clock::now();
  }
}

bool HttpSession::IdleLongerThan(std::chrono::steady_clock::duration limit) const {
  std::lock_guard lock(mu_);
  return users_ == 0 && std::chrono::steady_clock::now() - last_used_ > limit;
}

std::optional<std::chrono::steady_clock::time_point> HttpSession::IdleSince() const {
  std::lock_guard lock(mu_);
  if (users_ > passive_users_) return std::nullopt;
  return last_used_;
}

std::shared_ptr<EventStream> HttpSession::OpenStandalone() {
  std::lock_guard lock(mu_);
  if (standalone_) return nullptr;
  standalone_ = NewStreamLocked();
  return standalone_;
}

void HttpSession::ReleaseStandalone(const std::shared_ptr<EventStream>& stream) {
  std::lock_guard lock(mu_);
  if (standalone_ == stream) standalone_.reset();
}

std::shared_ptr<EventStream> HttpSession::FindStream(const std::string& stream_id) {
  std::uint64_t number = 0;
  std::from_chars(stream_id.data(), stream_id.data() + stream_id.size(), number);
  // Only the id as it was given out: what did not read whole as a number,
  // or has a sign or a leading zero, does not print back the same.
  if (std::to_string(number) != stream_id) return nullptr;
  std::lock_guard lock(mu_);
  auto it = recent_.find(number);
  return it == recent_.end() ? nullptr : it->second;
}

}  // namespace aurite::mcp
