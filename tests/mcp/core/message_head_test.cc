// ReadMessageHead: a message's kind and id, read without building its
// result, and stopping as soon as they are known.
#include "mcp/core/message_head.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::mcp {
namespace {

TEST(MessageHead, AResponseGivesItsIdAndKind) {
  MessageHead head = ReadMessageHead(R"({"id":7,"jsonrpc":"2.0","result":{"rows":[1,2]}})");
  EXPECT_TRUE(head.object);
  EXPECT_TRUE(head.response);
  EXPECT_FALSE(head.request);
  EXPECT_FALSE(head.error);
  ASSERT_TRUE(head.id.has_value());
  EXPECT_EQ(head.id->Key(), RequestId(std::int64_t{7}).Key());

  head = ReadMessageHead(R"({"error":{"code":-32601,"message":"no"},"id":"a","jsonrpc":"2.0"})");
  EXPECT_TRUE(head.response);
  EXPECT_TRUE(head.error);
  ASSERT_TRUE(head.id.has_value());
  EXPECT_EQ(head.id->Key(), RequestId(std::string("a")).Key());
}

TEST(MessageHead, ARequestOrNotificationIsNotAResponse) {
  MessageHead request = ReadMessageHead(R"({"id":1,"jsonrpc":"2.0","method":"ping"})");
  EXPECT_TRUE(request.request);
  EXPECT_FALSE(request.response);
  MessageHead notification =
      ReadMessageHead(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{}})");
  EXPECT_TRUE(notification.request);
  EXPECT_FALSE(notification.id.has_value());
}

TEST(MessageHead, AnIdInsideTheResultIsNotTheMessages) {
  MessageHead head = ReadMessageHead(R"({"jsonrpc":"2.0","result":{"id":9},"id":3})");
  ASSERT_TRUE(head.id.has_value());
  EXPECT_EQ(head.id->Key(), RequestId(std::int64_t{3}).Key());
}

// The reader stops once it knows: what follows the head is never parsed,
// so a large result costs nothing and text past the stop need not be JSON.
TEST(MessageHead, StopsOnceTheIdAndKindAreKnown) {
  MessageHead head =
      ReadMessageHead(R"({"id":5,"jsonrpc":"2.0","result":)" + std::string("not json at all"));
  EXPECT_TRUE(head.response);
  ASSERT_TRUE(head.id.has_value());
  EXPECT_EQ(head.id->Key(), RequestId(std::int64_t{5}).Key());
  EXPECT_TRUE(ReadMessageHead(R"({"jsonrpc":"2.0","method":"x","params":)").request);
}

TEST(MessageHead, ABatchIsNamedAndNotRead) {
  MessageHead head = ReadMessageHead(R"([{"id":1,"jsonrpc":"2.0","result":{}}])");
  EXPECT_TRUE(head.batch);
  EXPECT_FALSE(head.object);
  EXPECT_FALSE(head.id.has_value());
}

TEST(MessageHead, TextThatIsNotAMessageGivesNothing) {
  for (const std::string text : {"", "nope", "42", R"("id")", "{"}) {
    MessageHead head = ReadMessageHead(text);
    EXPECT_FALSE(head.request) << text;
    EXPECT_FALSE(head.response) << text;
    EXPECT_FALSE(head.id.has_value()) << text;
  }
  EXPECT_FALSE(ReadMessageHead(R"({"id":{"a":1},"result":1})").id.has_value())
      << "an object is not a usable id";
}

}  // namespace
}  // namespace aurite::mcp
