// Tests of LineReader: lines from a pipe, bounded, with busy polling, and an
// overlong line skipped but its two ends kept (for IdOfOversizedMessage).
#include "runtime/line_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/pipe_io.h"

namespace aurite::runtime {
namespace {

TEST(LineReader, KeepsTheEndsOfAnOverlongLineAndReportsItWhenItEnds) {
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  const std::string line = "HEAD" + std::string(300000, 'y') + "TAIL";
  std::thread writer([fd = pipe->write.get(), &line] { (void)WriteAll(fd, line + "\nnext\n"); });
  LineReader reader(pipe->read.get(), 1000);
  auto oversized = reader.Next();
  auto next = reader.Next();
  writer.join();
  ASSERT_TRUE(oversized && next);
  EXPECT_EQ(oversized->kind, LineReader::Kind::kTooLong);
  EXPECT_EQ(oversized->head, line.substr(0, LineReader::kHeadBytes));
  EXPECT_EQ(oversized->tail, line.substr(line.size() - LineReader::kTailBytes));
  EXPECT_EQ(next->line, "next");
}

TEST(LineReader, BusyPollingReadsLinesThatComeDuringAndAfterThePoll) {
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  LineReader reader(pipe->read.get(), 100, -1, std::chrono::milliseconds(20));
  std::thread writer([fd = pipe->write.get()] {
    (void)WriteAll(fd, "during\n");  // while the reader polls
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (void)WriteAll(fd, "after\n");  // once it sleeps in read()
  });
  auto during = reader.Next();
  auto after = reader.Next();
  writer.join();
  pipe->write.Reset();
  ASSERT_TRUE(during && after);
  EXPECT_EQ(during->line, "during");
  EXPECT_EQ(after->line, "after");
  EXPECT_FALSE(reader.Next().has_value());
}

TEST(LineReader, SkipsOverlongLinesAndResynchronizes) {
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  std::thread writer([fd = pipe->write.get()] {
    (void)WriteAll(fd, "short\n" + std::string(300000, 'y') + "\nnext\nlast-without-newline");
  });
  LineReader reader(pipe->read.get(), 100);
  auto first = reader.Next();
  auto second = reader.Next();
  auto third = reader.Next();
  writer.join();
  pipe->write.Reset();
  auto fourth = reader.Next();
  ASSERT_TRUE(first && second && third && fourth);
  EXPECT_EQ(first->line, "short");
  EXPECT_EQ(second->kind, LineReader::Kind::kTooLong);
  EXPECT_EQ(second->head, std::string(LineReader::kHeadBytes, 'y'));
  EXPECT_EQ(third->line, "next");
  EXPECT_EQ(fourth->line, "last-without-newline");
  EXPECT_FALSE(reader.Next().has_value());
}

// At end of input, a final line without "\n" follows the rules of every
// other line: its "\r" is dropped, and past the limit it is reported as too
// long, once.
TEST(LineReader, EndsAFinalLineWithoutNewlineLikeAnyOther) {
  for (const auto& [input, expected] : std::vector<std::pair<std::string, std::string>>{
           {"crlf-ended\r", "crlf-ended"}, {std::string(12, 'z'), std::string(12, 'z')}}) {
    auto pipe = MakePipe();
    ASSERT_TRUE(pipe.ok());
    ASSERT_TRUE(WriteAll(pipe->write.get(), input).ok());
    pipe->write.Reset();
    LineReader reader(pipe->read.get(), 12);
    auto item = reader.Next();
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(item->kind, LineReader::Kind::kLine);
    EXPECT_EQ(item->line, expected);
    EXPECT_FALSE(reader.Next().has_value());
  }
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  ASSERT_TRUE(WriteAll(pipe->write.get(), std::string(13, 'z')).ok());
  pipe->write.Reset();
  LineReader reader(pipe->read.get(), 12);
  auto item = reader.Next();
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->kind, LineReader::Kind::kTooLong);
  EXPECT_FALSE(reader.Next().has_value());
}

// Large messages end exactly where a read ends (the reader keeps them whole
// instead of copying them out); small ones share reads. Both must come out
// intact and in order, CRLF endings included.
TEST(LineReader, KeepsLinesIntactWhetherOrNotTheyEndARead) {
  auto pipe = MakePipe();
  ASSERT_TRUE(pipe.ok());
  const std::string big(700000, 'b');
  std::thread writer([fd = pipe->write.get(), &big] {
    (void)WriteAll(fd, "a\nb\r\n" + big + "\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)WriteAll(fd, big + "\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)WriteAll(fd, "tail\n");
  });
  LineReader reader(pipe->read.get(), 1 << 20);
  std::vector<std::string> lines;
  for (int i = 0; i < 5; ++i) {
    auto item = reader.Next();
    ASSERT_TRUE(item.has_value());
    ASSERT_EQ(item->kind, LineReader::Kind::kLine);
    lines.push_back(std::move(item->line));
  }
  writer.join();
  pipe->write.Reset();
  EXPECT_FALSE(reader.Next().has_value());
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b", big, big, "tail"}));
}

}  // namespace
}  // namespace aurite::runtime
