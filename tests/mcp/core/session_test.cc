// Tests of the JSON-RPC session: correlation, errors, batches, timeouts,
// cancellation, progress and ping.
#include "mcp/core/session.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stop_token>
#include <thread>

#include "mcp/test_wire.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using testing::Recorder;
using testing::SessionPair;

Session::RequestHandler Echo() {
  return [](const Request& r, RequestContext&) -> RpcResult {
    return Json{{"method", r.method}, {"params", r.params}};
  };
}

TEST(Session, AnswersPingWithAnEmptyResult) {
  Recorder out;
  Session session(out.Sender());
  session.Receive(R"({"jsonrpc":"2.0","id":"p1","method":"ping"})");
  Json reply = out.Wait(0);
  EXPECT_EQ(reply["id"], "p1");
  EXPECT_EQ(reply["result"], Json::object());
}

TEST(Session, InlineRequestsRunOnTheReceivingThreadAndCannotCallThePeer) {
  Recorder out;
  Session session(out.Sender());
  std::thread::id handler_thread;
  session.SetRequestHandler([&](const Request& request, RequestContext&) -> RpcResult {
    handler_thread = std::this_thread::get_id();
    RpcResult call = session.Call("elicitation/create", Json::object());
    return Json{{"method", request.method}, {"call_code", call.ok() ? 0 : call.error().code}};
  });
  session.SetInlinePredicate([](const Request& request) { return request.method == "quick"; });
  session.Receive(R"({"jsonrpc":"2.0","id":1,"method":"quick"})");
  // Inline: the reply is already sent when Receive returns, and no request went out.
  ASSERT_EQ(out.count(), 1u);
  EXPECT_EQ(handler_thread, std::this_thread::get_id());
  EXPECT_EQ(out.Wait(0)["result"]["call_code"], error_code::kInternalError);
  session.Receive(R"({"jsonrpc":"2.0","id":2,"method":"slow"})");
  Json request = out.Wait(1);  // a pooled handler may call the peer
  EXPECT_EQ(request["method"], "elicitation/create");
  EXPECT_NE(handler_thread, std::this_thread::get_id());
  session.Close();
}

TEST(Session, AHandlerFeedingAnotherSessionKeepsItsCurrentRequest) {
  // A task's worker session runs inline requests on the thread of the
  // handler that fed it; that handler is still the current request after.
  Recorder inner_out, outer_out;
  Session inner(inner_out.Sender());
  inner.SetRequestHandler([](const Request&, RequestContext&) -> RpcResult { return Json(1); });
  inner.SetInlinePredicate([](const Request&) { return true; });
  Session outer(outer_out.Sender());
  outer.SetRequestHandler([&inner](const Request&, RequestContext& context) -> RpcResult {
    inner.Receive(R"({"jsonrpc":"2.0","id":9,"method":"nested"})");
    return Json{{"still_current", Session::CurrentRequest() == &context}};
  });
  outer.SetInlinePredicate([](const Request&) { return true; });
  outer.Receive(R"({"jsonrpc":"2.0","id":1,"method":"outer"})");
  EXPECT_EQ(inner_out.Wait(0)["result"], 1);
  EXPECT_EQ(outer_out.Wait(0)["result"]["still_current"], true);
  EXPECT_EQ(Session::CurrentRequest(), nullptr);
}

TEST(Session, CallReturnsThePeersResult) {
  SessionPair pair;
  pair.b->SetRequestHandler(Echo());
  pair.Start();
  RpcResult r = pair.a->Call("tools/list", {{"x", 1}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["method"], "tools/list");
  EXPECT_EQ(r.value()["params"]["x"], 1);
}

TEST(Session, ManyConcurrentCallsAreCorrelated) {
  SessionPair pair;
  pair.b->SetRequestHandler(Echo());
  pair.Start();
  std::vector<std::thread> callers;
  std::atomic<int> good{0};
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        RpcResult r = pair.a->Call("m", {{"n", t * 1000 + i}});
        if (r.ok() && r.value()["params"]["n"] == t * 1000 + i) ++good;
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(good, 400);
}

TEST(Session, PeerErrorsArePassedThroughWithTheirCode) {
  SessionPair pair;
  pair.b->SetRequestHandler([](const Request&, RequestContext&) -> RpcResult {
    return MakeError(-32011, "permission denied");
  });
  pair.Start();
  RpcResult r = pair.a->Call("io.aurite/credentials/resolve", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, -32011);
  EXPECT_EQ(r.error().message, "permission denied");
}

TEST(Session, UnknownMethodWithoutHandlerIsMethodNotFound) {
  Recorder out;
  Session session(out.Sender());
  session.Receive(R"({"jsonrpc":"2.0","id":1,"method":"nope"})");
  EXPECT_EQ(out.Wait(0)["error"]["code"], error_code::kMethodNotFound);
}

TEST(Session, ParseErrorsAreAnsweredWithNullIdAndServingContinues) {
  Recorder out;
  Session session(out.Sender());
  session.Receive("{not json");
  Json reply = out.Wait(0);
  EXPECT_TRUE(reply["id"].is_null());
  EXPECT_EQ(reply["error"]["code"], error_code::kParseError);
  session.Receive(R"({"jsonrpc":"2.0","id":2,"method":"ping"})");
  EXPECT_EQ(out.Wait(1)["id"], 2);
}

TEST(Session, OversizedDeepAndInvalidUtf8MessagesGetErrors) {
  Recorder out;
  SessionOptions options;
  options.limits.max_bytes = 64;
  Session session(out.Sender(), options);
  session.Receive(std::string(100, ' ') + "{}");
  session.Receive(std::string(70, '['));
  session.Receive("{\"jsonrpc\":\"2.0\",\"id\":\"\xFF\",\"method\":\"ping\"}");
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(out.Wait(i)["error"]["code"], error_code::kParseError);
}

TEST(Session, NonObjectMessagesAreInvalidRequests) {
  Recorder out;
  Session session(out.Sender());
  session.Receive("42");
  EXPECT_EQ(out.Wait(0)["error"]["code"], error_code::kInvalidRequest);
}

TEST(Session, BatchesAreRejectedUnlessAllowed) {
  Recorder out;
  Session session(out.Sender());
  session.Receive(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  Json reply = out.Wait(0);
  EXPECT_EQ(reply["error"]["code"], error_code::kInvalidRequest);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("batch"), std::string::npos);
}

TEST(Session, AllowedBatchesAreAnsweredWithOneArray) {
  Recorder out;
  Session session(out.Sender());
  session.SetBatchesAllowed(true);
  session.SetRequestHandler(Echo());
  session.Receive(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},
                      {"jsonrpc":"2.0","method":"notifications/x"},
                      {"jsonrpc":"2.0","id":2,"method":"a"},
                      7])");
  Json reply = out.Wait(0);
  ASSERT_TRUE(reply.is_array());
  EXPECT_EQ(reply.size(), 3u);
  EXPECT_EQ(out.count(), 1u);
}

TEST(Session, RawResultsAreSplicedIntoTheReplyVerbatim) {
  std::vector<std::string> sent;
  Session session([&](std::string text) {
    sent.push_back(std::move(text));
    return OkStatus();
  });
  session.SetRequestHandler([](const Request&, RequestContext&) -> RpcResult {
    return RawJson{R"({"z":1,"a":[true,"x"]})"};
  });
  session.SetInlinePredicate([](const Request&) { return true; });
  session.Receive(R"({"jsonrpc":"2.0","id":"r1","method":"m"})");
  ASSERT_EQ(sent.size(), 1u);
  // Verbatim: a parsed and re-dumped tree would have sorted "a" before "z".
  EXPECT_EQ(sent[0], R"({"jsonrpc":"2.0","id":"r1","result":{"z":1,"a":[true,"x"]}})");
}

TEST(Session, RawResultsJoinABatchReply) {
  Recorder out;
  Session session(out.Sender());
  session.SetBatchesAllowed(true);
  session.SetRequestHandler([](const Request& r, RequestContext&) -> RpcResult {
    if (r.method == "raw") return RawJson{R"({"rows":[[1,"a"]]})"};
    return Json{{"tree", true}};
  });
  session.Receive(R"([{"jsonrpc":"2.0","id":1,"method":"raw"},
                      {"jsonrpc":"2.0","id":2,"method":"tree"}])");
  Json reply = out.Wait(0);
  ASSERT_TRUE(reply.is_array());
  ASSERT_EQ(reply.size(), 2u);
  for (const Json& item : reply) {
    if (item["id"] == 1) {
      EXPECT_EQ(item["result"]["rows"], Json::parse(R"([[1,"a"]])"));
    } else {
      EXPECT_EQ(item["result"]["tree"], true);
    }
  }
}

TEST(Session, RawResultsReachARemoteCallerAsTrees) {
  SessionPair pair;
  pair.b->SetRequestHandler(
      [](const Request&, RequestContext&) -> RpcResult { return RawJson{R"({"n":[1,2]})"}; });
  pair.Start();
  RpcResult r = pair.a->Call("m", Json::object());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.raw(), nullptr);
  EXPECT_EQ(r.value()["n"], Json::parse("[1,2]"));
}

TEST(RpcResult, RawResultsAreParsedWhenInspected) {
  RpcResult result = RawJson{R"({"content":[],"isError":false})"};
  ASSERT_TRUE(result.ok());
  ASSERT_NE(result.raw(), nullptr);
  EXPECT_EQ(result.value()["isError"], false);
  // Once a tree, edits stick and the raw text is gone.
  result.value()["resultType"] = "complete";
  EXPECT_EQ(result.raw(), nullptr);
  EXPECT_EQ(result.value()["resultType"], "complete");
}

TEST(Session, EmptyBatchIsAnInvalidRequest) {
  Recorder out;
  Session session(out.Sender());
  session.SetBatchesAllowed(true);
  session.Receive("[]");
  EXPECT_EQ(out.Wait(0)["error"]["code"], error_code::kInvalidRequest);
}

TEST(Session, ResponsesToUnknownIdsAreIgnored) {
  Recorder out;
  Session session(out.Sender());
  session.Receive(R"({"jsonrpc":"2.0","id":999,"result":{}})");
  session.Receive(R"({"jsonrpc":"2.0","id":5,"method":"ping"})");
  EXPECT_EQ(out.Wait(0)["id"], 5);
  EXPECT_EQ(out.count(), 1u);
}

TEST(Session, DuplicateInFlightIdIsRejected) {
  Recorder out;
  Session session(out.Sender());
  std::atomic<bool> release{false};
  session.SetRequestHandler([&](const Request&, RequestContext&) -> RpcResult {
    while (!release) std::this_thread::sleep_for(1ms);
    return Json::object();
  });
  session.Receive(R"({"jsonrpc":"2.0","id":1,"method":"slow"})");
  session.Receive(R"({"jsonrpc":"2.0","id":1,"method":"slow"})");
  EXPECT_EQ(out.Wait(0)["error"]["code"], error_code::kInvalidRequest);
  release = true;
  EXPECT_TRUE(out.Wait(1).contains("result"));
}

TEST(Session, HandlerExceptionsBecomeInternalErrors) {
  Recorder out;
  Session session(out.Sender());
  session.SetRequestHandler(
      [](const Request&, RequestContext&) -> RpcResult { throw std::runtime_error("boom"); });
  session.Receive(R"({"jsonrpc":"2.0","id":1,"method":"x"})");
  EXPECT_EQ(out.Wait(0)["error"]["code"], error_code::kInternalError);
}

TEST(Session, TimeoutSendsCancelledAndThePeerSeesIt) {
  SessionPair pair;
  std::atomic<bool> saw_cancel{false};
  pair.b->SetRequestHandler(testing::WaitForCancel(saw_cancel));
  pair.Start();
  CallOptions options;
  options.timeout = 50ms;
  RpcResult r = pair.a->Call("slow", Json::object(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kRequestTimeout);
  pair.b->WaitIdle();
  EXPECT_TRUE(saw_cancel);
}

TEST(Session, CancelTokenSendsCancelledAndReturnsAtOnce) {
  SessionPair pair;
  std::atomic<bool> started{false};
  std::atomic<bool> saw_cancel{false};
  pair.b->SetRequestHandler([&](const Request&, RequestContext& ctx) -> RpcResult {
    started = true;
    while (!ctx.cancelled()) std::this_thread::sleep_for(1ms);
    saw_cancel = true;
    return Json::object();
  });
  pair.Start();
  std::stop_source stop;
  CallOptions options;
  options.timeout = 1h;  // only the cancellation can end this call
  options.cancel = stop.get_token();
  std::thread canceller([&] {
    while (!started) std::this_thread::yield();
    stop.request_stop();
  });
  RpcResult r = pair.a->Call("slow", Json::object(), options);
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kRequestCancelled);
  pair.b->WaitIdle();
  EXPECT_TRUE(saw_cancel);
  // An already cancelled token sends nothing and fails at once.
  RpcResult late = pair.a->Call("slow", Json::object(), options);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, error_code::kRequestCancelled);
}

TEST(Session, IncomingCancellationStopsTheHandlersStopToken) {
  Recorder out;
  Session session(out.Sender());
  std::atomic<bool> stopped{false};
  session.SetRequestHandler([&](const Request&, RequestContext& ctx) -> RpcResult {
    const std::stop_token token = ctx.stop_token();
    while (!token.stop_requested()) std::this_thread::sleep_for(1ms);
    stopped = ctx.cancelled();
    return Json::object();
  });
  session.Receive(R"({"jsonrpc":"2.0","id":"c","method":"slow"})");
  session.Receive(
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c"}})");
  session.WaitIdle();
  EXPECT_TRUE(stopped);
}

TEST(Session, CancelledRequestsGetNoResponse) {
  Recorder out;
  Session session(out.Sender());
  session.SetRequestHandler([](const Request&, RequestContext& ctx) -> RpcResult {
    while (!ctx.cancelled()) std::this_thread::sleep_for(1ms);
    return Json::object();
  });
  session.Receive(R"({"jsonrpc":"2.0","id":"c","method":"slow"})");
  session.Receive(
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c"}})");
  session.WaitIdle();
  session.Receive(R"({"jsonrpc":"2.0","id":"after","method":"ping"})");
  EXPECT_EQ(out.Wait(0)["id"], "after");
  EXPECT_EQ(out.count(), 1u);
}

TEST(Session, ProgressReachesTheCaller) {
  SessionPair pair;
  pair.b->SetRequestHandler([](const Request&, RequestContext& ctx) -> RpcResult {
    ctx.SendProgress(1, 2, "half");
    ctx.SendProgress(2, 2);
    return Json::object();
  });
  pair.Start();
  std::mutex mu;
  std::vector<Json> seen;
  CallOptions options;
  options.on_progress = [&](const Json& p) {
    std::lock_guard lock(mu);
    seen.push_back(p);
  };
  ASSERT_TRUE(pair.a->Call("work", Json::object(), options).ok());
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0]["progress"], 1);
  EXPECT_EQ(seen[0]["total"], 2);
  EXPECT_EQ(seen[0]["message"], "half");
}

TEST(Session, ProgressWithoutTokenSendsNothing) {
  Recorder out;
  Session session(out.Sender());
  session.SetRequestHandler([](const Request&, RequestContext& ctx) -> RpcResult {
    ctx.SendProgress(1);
    return Json::object();
  });
  session.Receive(R"({"jsonrpc":"2.0","id":1,"method":"x"})");
  EXPECT_TRUE(out.Wait(0).contains("result"));
  session.WaitIdle();
  EXPECT_EQ(out.count(), 1u);
}

TEST(Session, CloseFailsPendingCalls) {
  Recorder out;
  Session session(out.Sender());
  std::thread closer([&] {
    out.Wait(0);
    session.Close();
  });
  RpcResult r = session.Call("never", Json::object());
  closer.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kConnectionClosed);
  EXPECT_EQ(session.Call("after", nullptr).error().code, error_code::kConnectionClosed);
}

TEST(Session, HandlersMayCallThePeer) {
  SessionPair pair;
  pair.a->SetRequestHandler([](const Request&, RequestContext&) -> RpcResult {
    return Json{{"answer", 42}};
  });
  pair.b->SetRequestHandler([](const Request&, RequestContext& ctx) -> RpcResult {
    RpcResult inner = ctx.session().Call("elicitation/create", Json::object());
    if (!inner.ok()) return inner;
    return Json{{"inner", inner.value()}};
  });
  pair.Start();
  RpcResult r = pair.a->Call("tools/call", Json::object());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["inner"]["answer"], 42);
}

TEST(Session, NotificationsAreDeliveredInOrder) {
  SessionPair pair;
  std::mutex mu;
  std::vector<int> order;
  pair.b->SetNotificationHandler([&](const Notification& n) {
    std::lock_guard lock(mu);
    order.push_back(n.params["n"].get<int>());
  });
  pair.Start();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(pair.a->Notify("notifications/x", {{"n", i}}).ok());
  ASSERT_TRUE(pair.a->Call("ping", nullptr).ok());
  pair.b->WaitIdle();
  std::lock_guard lock(mu);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

}  // namespace
}  // namespace aurite::mcp
