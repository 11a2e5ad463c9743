// Tests of answering an oversized message's call at once: finding its id
// from its two ends (which LineReader keeps: tests/runtime), the session
// that fails the call, and the server-side limit on answers.
#include "mcp/oversized_message.h"

#include <gtest/gtest.h>

#include <thread>

#include "mcp/session.h"
#include "runtime/line_reader.h"
#include "test_wire.h"

namespace aurite::mcp {
namespace {

using testing::Recorder;
using testing::SessionPair;

// The first and last bytes of `message`, as LineReader keeps them.
std::pair<std::string, std::string> Ends(const std::string& message) {
  return {
      message.substr(0, runtime::LineReader::kHeadBytes),
      message.substr(message.size() - std::min(message.size(), runtime::LineReader::kTailBytes))};
}

std::string Big() { return std::string(100000, 'x'); }

TEST(IdOfOversizedMessage, ReadsTheIdBeforeTheResult) {
  auto [head, tail] = Ends(R"({"id":7,"jsonrpc":"2.0","result":{"text":")" + Big() + R"("}})");
  std::optional<RequestId> id = IdOfOversizedMessage(head, tail);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, RequestId(7));
}

TEST(IdOfOversizedMessage, ReadsTheIdAfterTheResultAsTheTypeScriptSdkWritesIt) {
  auto [head, tail] = Ends(R"({"result":{"content":[{"type":"text","text":")" + Big() +
                           R"("}],"structuredContent":{"id":99}},"jsonrpc":"2.0","id":"call-4"})");
  std::optional<RequestId> id = IdOfOversizedMessage(head, tail);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, RequestId(std::string("call-4")));
}

TEST(IdOfOversizedMessage, IgnoresIdsInsideTheResult) {
  // The top-level id is in neither end: a nested one must not be taken for it.
  auto [head, tail] = Ends(R"({"jsonrpc":"2.0","result":{"id":5,"text":")" + Big() +
                           R"(","more":{"id":6}},"id":3,"pad":")" + Big() + R"("})");
  EXPECT_FALSE(IdOfOversizedMessage(head, tail).has_value());
}

TEST(IdOfOversizedMessage, RefusesRequests) {
  // A request from the peer has an id of the peer's numbering, not ours.
  auto [head, tail] =
      Ends(R"({"jsonrpc":"2.0","id":1,"method":"sampling/createMessage","params":{"x":")" + Big() +
           R"("}})");
  EXPECT_FALSE(IdOfOversizedMessage(head, tail).has_value());
}

TEST(Session, FailCallEndsTheCallWhoseAnswerWasDropped) {
  Recorder out;
  Session session(out.Sender());
  std::optional<RpcResult> outcome;
  std::mutex mu;
  session.CallAsync("tools/call", Json::object(), {}, [&](RpcResult result) {
    std::lock_guard lock(mu);
    outcome = std::move(result);
  });
  const Json request = out.Wait(0);
  EXPECT_FALSE(session.FailCall(RequestId(12345), MakeError(error_code::kInternalError, "no")));
  ASSERT_TRUE(session.FailCall(*RequestId::FromJson(request["id"]),
                               MakeError(error_code::kInternalError, "too large")));
  std::lock_guard lock(mu);
  ASSERT_TRUE(outcome.has_value());
  ASSERT_FALSE(outcome->ok());
  EXPECT_EQ(outcome->error().message, "too large");
}

TEST(Session, AnAnswerOverTheResponseLimitBecomesAnErrorSayingSo) {
  Recorder out;
  SessionOptions options;
  options.max_response_bytes = 1000;
  Session session(out.Sender(), options);
  session.SetRequestHandler([](const Request& request, RequestContext&) -> RpcResult {
    return Json{{"text", std::string(request.method == "big" ? 5000 : 10, 'z')}};
  });
  session.Receive(R"({"jsonrpc":"2.0","id":1,"method":"big"})");
  session.Receive(R"({"jsonrpc":"2.0","id":2,"method":"small"})");
  Json big = out.Wait(0);
  Json small = out.Wait(1);
  if (big["id"] == 2) std::swap(big, small);
  ASSERT_TRUE(big.contains("error")) << big.dump();
  EXPECT_NE(big["error"]["message"].get<std::string>().find("limit of 1000 bytes"),
            std::string::npos);
  EXPECT_TRUE(small.contains("result")) << small.dump();
  session.Close();
}

}  // namespace
}  // namespace aurite::mcp
