// Tests of reading a Last-Event-ID back into a stream and a position
// (ParseEventId): the ids EventStream makes are read back exactly, and
// anything else names no event, rather than a position guessed from it.
#include "mcp/transport/event_stream.h"

#include <gtest/gtest.h>

namespace aurite::mcp {
namespace {

TEST(ParseEventId, ReadsBackTheIdsAStreamMakes) {
  EventStream stream("a1b2");
  const std::string id = stream.EventId(42);  // the position views into it
  auto position = ParseEventId(id);
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(position->stream_id, "a1b2");
  EXPECT_EQ(position->seq, 42u);
}

TEST(ParseEventId, TheSequenceIsAfterTheLastSlash) {
  auto position = ParseEventId("s/with/slash/0");
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(position->stream_id, "s/with/slash");
  EXPECT_EQ(position->seq, 0u);
}

TEST(ParseEventId, RefusesWhatNoStreamMakes) {
  for (const char* id : {"", "noslash", "s/", "s/-1", "s/+1", "s/ 1", "s/1 ", "s/0x10", "s/1a",
                         "s/18446744073709551616"}) {
    EXPECT_FALSE(ParseEventId(id).has_value()) << id;
  }
}

TEST(ParseEventId, TakesTheLargestSequence) {
  auto position = ParseEventId("s/18446744073709551615");
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(position->seq, 18446744073709551615u);
}

}  // namespace
}  // namespace aurite::mcp
