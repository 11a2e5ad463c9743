// Tests of finding whose answer an oversized message was from its two ends
// (which LineReader keeps: tests/runtime). The session's part, failing that
// call and limiting answers, is tested in tests/mcp/core/oversized_reply_test.cc.
#include "mcp/transport/oversized_message.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "mcp/core/jsonrpc.h"
#include "runtime/line_reader.h"

namespace aurite::mcp {
namespace {

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

}  // namespace
}  // namespace aurite::mcp
