// Fuzzes stdio framing: runtime::LineReader (src/runtime/line_reader) reading
// newline-delimited messages from a file descriptor, and
// IdOfOversizedMessage (src/mcp/transport/oversized_message), which names
// the answer an oversized line was.
//
// Properties: the reader's items equal those of a plain model of its
// contract (split at "\n"; a final line without one still counts; a
// trailing "\r" dropped; a line over the limit reported once as kTooLong
// with its first bytes and last kTailBytes), whatever the limit and however
// reads split the input; and
// IdOfOversizedMessage never crashes on any head and tail.
#include <fuzzer/FuzzedDataProvider.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "fuzz/fuzz_check.h"
#include "mcp/transport/oversized_message.h"
#include "runtime/line_reader.h"

namespace {

using aurite::fuzz::Check;
using aurite::runtime::LineReader;

// What LineReader's contract says it returns for `input`.
std::vector<LineReader::Item> Model(std::string_view input, std::size_t max) {
  std::vector<LineReader::Item> items;
  while (!input.empty()) {
    const std::size_t newline = input.find('\n');
    std::string_view line = input.substr(0, newline);
    input = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    if (line.size() > max) {
      items.push_back(
          {LineReader::Kind::kTooLong,
           {},
           std::string(line.substr(0, LineReader::kHeadBytes)),
           std::string(line.substr(line.size() - std::min(line.size(), LineReader::kTailBytes)))});
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    items.push_back({LineReader::Kind::kLine, std::string(line), {}, {}});
  }
  return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const std::size_t max = provider.ConsumeIntegralInRange<std::size_t>(1, 512);
  // How the input arrives: each read returns one packet of a sequenced
  // packet socket, so the fuzzer chooses where reads end, as a slow pipe
  // writer would (a few packets: they all sit in the socket's buffer).
  std::vector<std::size_t> pieces(provider.ConsumeIntegralInRange<std::size_t>(0, 8));
  for (std::size_t& piece : pieces) piece = provider.ConsumeIntegralInRange<std::size_t>(1, 600);
  const std::string input = provider.ConsumeRemainingBytesAsString();

  int fds[2];
  Check(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) == 0, "socketpair works");
  aurite::UniqueFd reading(fds[0]);
  {
    aurite::UniqueFd writing(fds[1]);
    std::string_view rest = input;
    for (std::size_t i = 0; !rest.empty(); ++i) {
      const std::size_t n = i < pieces.size() ? std::min(pieces[i], rest.size()) : rest.size();
      Check(::write(writing.get(), rest.data(), n) == static_cast<ssize_t>(n),
            "each piece is written whole");
      rest.remove_prefix(n);
    }
  }  // closing the writer is the end of input

  LineReader reader(reading.get(), max);
  std::vector<LineReader::Item> items;
  while (auto item = reader.Next()) items.push_back(std::move(*item));
  const std::vector<LineReader::Item> expected = Model(input, max);
  Check(items.size() == expected.size(), "LineReader returns as many items as the model");
  for (std::size_t i = 0; i < items.size(); ++i) {
    Check(items[i].kind == expected[i].kind, "each item is of the model's kind");
    Check(items[i].line == expected[i].line, "each line is the model's");
    // The head is what was buffered when the line passed the limit: at
    // least its first max + 1 bytes (all of kHeadBytes once max is as large,
    // as it is in use; the fuzzer's limits are smaller).
    const std::string& head = items[i].head;
    Check(expected[i].head.starts_with(head) &&
              head.size() >= std::min(expected[i].head.size(), max + 1),
          "an oversized line's head is its first bytes");
    Check(items[i].tail == expected[i].tail, "an oversized line's tail is its last bytes");
    if (items[i].kind == LineReader::Kind::kTooLong) {
      (void)aurite::mcp::IdOfOversizedMessage(items[i].head, items[i].tail);
    }
  }
  // The oversized-message reader on the raw input cut anywhere.
  const std::size_t cut = input.size() / 2;
  (void)aurite::mcp::IdOfOversizedMessage(std::string_view(input).substr(0, cut),
                                          std::string_view(input).substr(cut));
  return 0;
}
