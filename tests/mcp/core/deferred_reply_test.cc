// Tests of answering later and calling without waiting: RequestContext::Defer,
// Then, Offload, Responder and Session::CallAsync.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stop_token>
#include <thread>

#include "mcp/core/session.h"
#include "mcp/test_wire.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using testing::Recorder;
using testing::SessionPair;

constexpr char kQuick[] = R"({"jsonrpc":"2.0","id":1,"method":"quick"})";

// A session whose "quick" requests run inline and keep their Responder in `kept`.
struct DeferringSession {
  DeferringSession() : session(out.Sender()) {
    session.SetInlinePredicate([](const Request& r) { return r.method == "quick"; });
    session.SetRequestHandler([this](const Request&, RequestContext& context) {
      kept = context.Defer();
      return DeferredResult();
    });
  }
  Recorder out;
  Responder kept;
  Session session;
};

TEST(DeferredReply, IsSentWhenTheResponderSends) {
  DeferringSession s;
  s.session.Receive(kQuick);
  EXPECT_EQ(s.out.count(), 0u);
  s.kept.Send(Json{{"answer", 42}});
  Json reply = s.out.Wait(0);
  EXPECT_EQ(reply["id"], 1);
  EXPECT_EQ(reply["result"]["answer"], 42);
  s.kept.Send(Json{{"answer", 43}});  // only the first Send counts
  s.session.WaitIdle();
  EXPECT_EQ(s.out.count(), 1u);
}

TEST(DeferredReply, FinishersRunInnermostFirstOnAnEarlyOrLateResult) {
  for (bool send_before_returning : {true, false}) {
    Recorder out;
    Session session(out.Sender());
    Responder kept;
    session.SetInlinePredicate([](const Request&) { return true; });
    session.SetRequestHandler([&](const Request&, RequestContext& context) {
      kept = context.Defer();
      // A result ready before the outer layers added their finishers must
      // still pass them: they may be what redacts it.
      if (send_before_returning) kept.Send(Json{{"steps", Json::array()}});
      RpcResult result = DeferredResult();
      for (const char* step : {"inner", "outer"}) {
        result = context.Then(std::move(result), [step](RpcResult r) {
          if (r.ok()) r.value()["steps"].push_back(step);
          return r;
        });
      }
      return result;
    });
    session.Receive(kQuick);
    if (!send_before_returning) kept.Send(Json{{"steps", Json::array()}});
    EXPECT_EQ(out.Wait(0)["result"]["steps"], Json({"inner", "outer"}))
        << "send_before_returning=" << send_before_returning;
  }
}

TEST(DeferredReply, ThenAppliesAtOnceWhenTheHandlerDidNotDefer) {
  Recorder out;
  Session session(out.Sender());
  session.SetRequestHandler([](const Request&, RequestContext& context) {
    return context.Then(Json{{"n", 1}}, [](RpcResult r) {
      r.value()["n"] = r.value()["n"].get<int>() + 1;
      return r;
    });
  });
  session.Receive(kQuick);
  EXPECT_EQ(out.Wait(0)["result"]["n"], 2);
}

TEST(DeferredReply, ADroppedResponderAnswersWithAnInternalError) {
  DeferringSession s;
  s.session.Receive(kQuick);
  s.kept = Responder();
  Json reply = s.out.Wait(0);
  EXPECT_EQ(reply["id"], 1);
  EXPECT_EQ(reply["error"]["code"], error_code::kInternalError);
}

TEST(DeferredReply, CountsAsRunningUntilSent) {
  DeferringSession s;
  s.session.Receive(kQuick);
  std::atomic<bool> sent{false};
  std::thread later([&] {
    std::this_thread::sleep_for(50ms);
    sent = true;
    s.kept.Send(Json::object());
  });
  s.session.WaitIdle();
  EXPECT_TRUE(sent);
  later.join();
}

TEST(DeferredReply, ACancelledRequestStopsItsWorkAndGetsNoResponse) {
  Recorder out;
  Session session(out.Sender());
  std::atomic<bool> stopped{false};
  std::atomic<bool> armed{false};
  std::optional<std::stop_callback<std::function<void()>>> on_stop;
  session.SetRequestHandler([&](const Request&, RequestContext& context) {
    on_stop.emplace(context.stop_token(),
                    std::function<void()>([&stopped, responder = context.Defer()] {
                      stopped = true;
                      responder.Send(Json::object());
                    }));
    armed = true;
    return DeferredResult();
  });
  session.Receive(R"({"jsonrpc":"2.0","id":7,"method":"slow"})");
  while (!armed) std::this_thread::yield();
  session.Receive(
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}})");
  session.WaitIdle();
  EXPECT_TRUE(stopped);
  EXPECT_EQ(out.count(), 0u);
  on_stop.reset();
}

TEST(DeferredReply, OffloadRunsBlockingWorkOnThePool) {
  SessionPair pair;
  pair.b->SetRequestHandler([](const Request& r, RequestContext&) -> RpcResult {
    return Json{{"echo", r.method}};
  });
  std::thread::id worker;
  pair.a->SetInlinePredicate([](const Request& r) { return r.method == "quick"; });
  pair.a->SetRequestHandler([&](const Request&, RequestContext& context) {
    return context.Offload([&] {
      worker = std::this_thread::get_id();
      RpcResult call = pair.a->Call("from-the-pool", Json::object());  // blocking is fine here
      return call.ok() ? call.value() : Json{{"failed", call.error().message}};
    });
  });
  pair.Start();
  RpcResult r = pair.b->Call("quick", Json::object());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["echo"], "from-the-pool");
  EXPECT_NE(worker, std::thread::id());
}

TEST(DeferredReply, AnInlineHandlerMayCallAnotherSessionButNotItsOwnPeer) {
  SessionPair backend;
  backend.b->SetRequestHandler([](const Request&, RequestContext&) -> RpcResult {
    return Json{{"from", "backend"}};
  });
  backend.Start();
  Recorder out;
  Session front(out.Sender());
  front.SetInlinePredicate([](const Request&) { return true; });
  front.SetRequestHandler([&](const Request&, RequestContext&) -> RpcResult {
    RpcResult other = backend.a->Call("m", Json::object());
    RpcResult own = front.Call("m", Json::object());
    return Json{{"other", other.ok() ? other.value() : Json()},
                {"own_code", own.ok() ? 0 : own.error().code}};
  });
  front.Receive(kQuick);
  Json reply = out.Wait(0);
  EXPECT_EQ(reply["result"]["other"]["from"], "backend");
  EXPECT_EQ(reply["result"]["own_code"], error_code::kInternalError);
}

TEST(CallAsync, DeliversTheResponseWithoutAWaitingThread) {
  SessionPair pair;
  pair.b->SetRequestHandler([](const Request& r, RequestContext&) -> RpcResult {
    return Json{{"params", r.params}};
  });
  pair.Start();
  std::promise<RpcResult> outcome;
  pair.a->CallAsync("m", {{"x", 5}}, {}, [&](RpcResult r) { outcome.set_value(std::move(r)); });
  RpcResult r = outcome.get_future().get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["params"]["x"], 5);
}

TEST(CallAsync, TimesOutSendingCancelledToThePeer) {
  SessionPair pair;
  std::atomic<bool> saw_cancel{false};
  pair.b->SetRequestHandler(testing::WaitForCancel(saw_cancel));
  pair.Start();
  CallOptions options;
  options.timeout = 50ms;
  std::promise<RpcResult> outcome;
  pair.a->CallAsync("slow", Json::object(), options,
                    [&](RpcResult r) { outcome.set_value(std::move(r)); });
  RpcResult r = outcome.get_future().get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kRequestTimeout);
  pair.b->WaitIdle();
  EXPECT_TRUE(saw_cancel);
}

TEST(CallAsync, ProgressPushesTheTimeoutBack) {
  SessionPair pair;
  pair.b->SetRequestHandler([](const Request&, RequestContext& ctx) -> RpcResult {
    for (int i = 0; i < 6; ++i) {
      std::this_thread::sleep_for(40ms);
      ctx.SendProgress(i);
    }
    return Json{{"done", true}};
  });
  pair.Start();
  CallOptions options;
  options.timeout = 100ms;  // shorter than the whole call, longer than each step
  options.reset_timeout_on_progress = true;
  std::atomic<int> progress{0};
  options.on_progress = [&](const Json&) { ++progress; };
  RpcResult r = pair.a->Call("slow", Json::object(), options);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(progress, 6);
}

TEST(CallAsync, CancellationEndsTheCallAtOnce) {
  SessionPair pair;
  std::atomic<bool> started{false};
  pair.b->SetRequestHandler([&](const Request&, RequestContext& ctx) -> RpcResult {
    started = true;
    while (!ctx.cancelled()) std::this_thread::sleep_for(1ms);
    return Json::object();
  });
  pair.Start();
  std::stop_source stop;
  CallOptions options;
  options.timeout = 1h;
  options.cancel = stop.get_token();
  std::promise<RpcResult> outcome;
  pair.a->CallAsync("slow", Json::object(), options,
                    [&](RpcResult r) { outcome.set_value(std::move(r)); });
  while (!started) std::this_thread::yield();
  stop.request_stop();
  RpcResult r = outcome.get_future().get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kRequestCancelled);
  pair.b->WaitIdle();
}

TEST(CallAsync, FailsAtOnceOnAClosedSession) {
  Recorder out;
  Session session(out.Sender());
  session.Close();
  std::optional<RpcResult> outcome;
  session.CallAsync("m", Json::object(), {}, [&](RpcResult r) { outcome = std::move(r); });
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->error().code, error_code::kConnectionClosed);
  EXPECT_EQ(out.count(), 0u);
}

TEST(CallAsync, ClosingFailsCallsInFlight) {
  Recorder out;
  Session session(out.Sender());
  std::promise<RpcResult> outcome;
  session.CallAsync("m", Json::object(), {}, [&](RpcResult r) { outcome.set_value(std::move(r)); });
  EXPECT_EQ(out.Wait(0)["method"], "m");
  session.Close();
  RpcResult r = outcome.get_future().get();
  EXPECT_EQ(r.error().code, error_code::kConnectionClosed);
}

}  // namespace
}  // namespace aurite::mcp
