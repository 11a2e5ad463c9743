// Tests of a session's part in answering an oversized message's call at
// once: failing the call whose answer the transport dropped (FailCall), and
// the limit on the answers it sends itself (max_response_bytes).
#include <gtest/gtest.h>

#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "mcp/core/session.h"
#include "mcp/test_wire.h"

namespace aurite::mcp {
namespace {

using testing::Recorder;

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
