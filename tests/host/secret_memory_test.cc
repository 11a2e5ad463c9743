// Proves that a secret crossing io.aurite/credentials leaves no copy behind
// in the process's memory once every holder is gone: the host answers a
// resolve from the SecurityManager, the answer travels as JSON through a
// real pipe, the line reader and the server's session, into a SecretBuffer
// the server then drops. Afterwards every writable anonymous mapping (heap,
// thread stacks, allocator arenas) is read back through /proc/self/mem, so
// freed blocks are inspected too. This binary links aurite_wipe_on_free, as
// the aurite binary does; without it, the freed JSON strings and line
// buffers still hold the secret and the test fails.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "base/unique_fd.h"
#include "crypto/random.h"
#include "host/connection_entry_page.h"
#include "host/credentials_responder.h"
#include "mcp/client/client.h"
#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/http_server.h"
#include "mcp/transport/stdio_server.h"
#include "runtime/line_reader.h"
#include "runtime/pipe_io.h"
#include "security/security_manager.h"
#include "servers/credentials_protocol.h"
#include "servers/sql/token_resolver.h"
#include "support/raw_http.h"

namespace aurite::host {
namespace {

using mcp::Json;

// The canary is never held in the clear by the test: it is kept XORed with
// this byte, so a scan that finds it found a copy made by the code under test.
constexpr unsigned char kMask = 0x5a;

struct MaskedCanary {
  std::vector<unsigned char> masked;  // canary bytes ^ kMask
};

// A connection string whose password is 24 random letters, built straight
// into a SecretBuffer; `canary` gets the password's bytes, masked.
crypto::SecretBuffer MakeSecret(MaskedCanary& canary) {
  crypto::SecretBuffer secret = crypto::SecretBuffer::CopyFrom("postgresql://app:");
  unsigned char random[24];
  crypto::FillRandom(random);
  for (unsigned char byte : random) {
    const char letter = static_cast<char>('a' + byte % 26);
    secret.Append(std::string_view(&letter, 1));
    canary.masked.push_back(static_cast<unsigned char>(letter) ^ kMask);
  }
  explicit_bzero(random, sizeof random);
  secret.Append("@127.0.0.1:1/orders");
  return secret;
}

// Whether the canary occurs in `bytes`, compared through the mask.
bool Contains(const std::vector<unsigned char>& bytes, std::size_t size,
              const MaskedCanary& canary) {
  const std::size_t n = canary.masked.size();
  for (std::size_t i = 0; i + n <= size; ++i) {
    std::size_t j = 0;
    while (j < n && (bytes[i + j] ^ kMask) == canary.masked[j]) ++j;
    if (j == n) return true;
  }
  return false;
}

// Reads every private, writable, anonymous mapping of this process (the
// heap, thread stacks, malloc arenas) through /proc/self/mem and reports
// those that hold the canary. Mappings over 256 MiB are sanitizer shadow
// or reservations, not data, and are skipped.
std::vector<std::string> MappingsHoldingCanary(const MaskedCanary& canary) {
  std::vector<std::string> found;
  std::ifstream maps("/proc/self/maps");
  UniqueFd mem(::open("/proc/self/mem", O_RDONLY | O_CLOEXEC));
  EXPECT_TRUE(mem.valid());
  constexpr std::size_t kChunk = 1 << 20;
  std::vector<unsigned char> buffer(kChunk + canary.masked.size());
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, path;
    fields >> range >> perms >> offset >> device >> inode;
    std::getline(fields >> std::ws, path);
    if (perms.size() < 4 || perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p') continue;
    if (!path.empty() && path != "[heap]" && path != "[stack]") continue;
    const std::uint64_t begin = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
    const std::uint64_t end = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
    if (end - begin > (256u << 20)) continue;
    std::size_t carried = 0;  // bytes kept from the previous chunk, for matches across chunks
    for (std::uint64_t at = begin; at < end; at += kChunk) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, end - at));
      const ssize_t got = ::pread(mem.get(), buffer.data() + carried, want, static_cast<off_t>(at));
      if (got <= 0) break;
      const std::size_t size = carried + static_cast<std::size_t>(got);
      if (Contains(buffer, size, canary)) {
        found.push_back(line);
        break;
      }
      carried = std::min(canary.masked.size() - 1, size);
      std::copy(buffer.begin() + static_cast<std::ptrdiff_t>(size - carried),
                buffer.begin() + static_cast<std::ptrdiff_t>(size), buffer.begin());
    }
  }
  std::fill(buffer.begin(), buffer.end(), 0);
  return found;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string all;
  for (const std::string& line : lines) all += line + "\n";
  return all;
}

// The SQL server's side, cut down to what matters here: a tool that
// resolves a token through the host and drops the secret.
mcp::RpcResult ResolveAndDrop(const Json& args, mcp::CallContext& context) {
  crypto::SecretBuffer token = crypto::SecretBuffer::CopyFrom(args.value("token", ""));
  StatusOr<servers::sql::ResolvedToken> resolved =
      servers::sql::ResolveConnectionToken(context.session, token);
  if (!resolved.ok()) return mcp::ToolErrorResult(resolved.status().message());
  const bool complete = resolved->connection_string.Reveal().ends_with("/orders");
  return mcp::ToolTextResult(complete ? "resolved" : "garbled");
}

TEST(SecretMemoryTest, NoCopyOfAResolvedSecretOutlivesItsHolders) {
  MaskedCanary canary;
  {
    auto manager = security::SecurityManager::Create({});
    ASSERT_TRUE(manager.ok());
    (*manager)->RegisterServerPermissions("sql", {servers::kDatabaseConnectionType});
    auto secured = (*manager)->Secure(servers::kDatabaseConnectionType, MakeSecret(canary));
    ASSERT_TRUE(secured.ok());
    const std::string token(secured->token.Reveal());

    auto to_server = runtime::MakePipe();
    auto to_host = runtime::MakePipe();
    ASSERT_TRUE(to_server.ok() && to_host.ok());
    mcp::McpServer server(mcp::ServerOptions{});
    mcp::Tool tool;
    tool.name = "resolve_and_drop";
    tool.input_schema = {{"type", "object"}, {"properties", {{"token", {{"type", "string"}}}}}};
    server.AddTool(tool, ResolveAndDrop);
    std::thread serving([&] {
      mcp::StdioServerOptions options;
      options.in_fd = to_server->read.get();
      options.out_fd = to_host->write.get();
      options.claim_stdout = false;
      (void)mcp::ServeStdio(server, options);
    });

    mcp::ClientOptions client_options;
    client_options.capabilities = HostClientCapabilities();
    mcp::McpClient host(
        [fd = to_server->write.get()](std::string message) {
          message.push_back('\n');
          return runtime::WriteAll(fd, message);
        },
        client_options);
    InstallCredentialsHandlers(host, **manager, "sql", [](std::string_view, std::string_view) {});
    std::thread reading([&host, fd = to_host->read.get()] {
      runtime::LineReader reader(fd, 1 << 20);
      while (auto item = reader.Next()) {
        if (item->kind == runtime::LineReader::Kind::kLine) host.Receive(item->line);
      }
      host.rpc().Close();
    });
    ASSERT_TRUE(host.Initialize().ok());
    mcp::RpcResult called = host.CallTool("resolve_and_drop", {{"token", token}});
    ASSERT_TRUE(called.ok());
    EXPECT_EQ(called.value()["content"][0]["text"], "resolved") << called.value().dump();

    to_server->write.Reset();  // the server sees end of input and returns
    serving.join();
    to_host->write.Reset();
    reading.join();
  }
  // Everything that held the secret is gone: the manager (SecretBuffers),
  // the sessions, the threads and their buffers.
  std::vector<std::string> holding = MappingsHoldingCanary(canary);
  EXPECT_TRUE(holding.empty()) << "the canary password is still in memory, in:\n" << Lines(holding);
}

// The connection entry page (URL-mode elicitation): the password of a
// submitted form leaves no copy behind, even while the browser keeps its
// connection open, so nothing is freed yet: the request's body is taken
// into a SecretBuffer and wiped where Beast kept it (copying it instead
// makes this test fail).
TEST(SecretMemoryTest, AnEntryFormLeavesNoCopyOfItsPasswordWhileItsConnectionStaysOpen) {
  MaskedCanary canary;
  crypto::SecretBuffer secret = MakeSecret(canary);  // the password is its letters 17..40
  const std::string_view password = secret.Reveal().substr(17, canary.masked.size());
  EntrySecuring securing;
  securing.secure = [](const EntryDetails&, crypto::SecretBuffer) -> StatusOr<SecuredEntry> {
    return SecuredEntry{crypto::SecretBuffer::CopyFrom("aurite_tk_x"), "masked", "sql"};
  };
  securing.discard = [](SecuredEntry&) {};
  ConnectionEntryTable table(std::move(securing), {});
  ConnectionEntryPage page(table);
  mcp::McpServer server;
  mcp::HttpServerOptions options;
  options.serve_mcp = false;
  options.pages_prefix = ConnectionEntryPage::kPathPrefix;
  options.pages = [&page](mcp::PageRequest& request) { return page.Serve(request); };
  mcp::HttpServer listener(server, options);
  ASSERT_TRUE(listener.Start().ok());
  auto entry = table.Open({"owner", "postgresql", "", "", ""});
  ASSERT_TRUE(entry.ok());
  const std::string form_page =
      rawhttp::Exchange(listener.port(), "GET /connect/" + entry->id +
                                             " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                             "Connection: close\r\n\r\n");
  const auto at = form_page.find("name=\"csrf\" value=\"");
  ASSERT_NE(at, std::string::npos);
  const std::string csrf = form_page.substr(at + 19, 32);

  crypto::SecretBuffer body = crypto::SecretBuffer::CopyFrom(
      "csrf=" + csrf + "&code=" + entry->code + "&host=db&database=d&user=u&password=");
  body.Append(password);
  secret.Clear();
  const std::string port = std::to_string(listener.port());
  crypto::SecretBuffer request = crypto::SecretBuffer::CopyFrom(
      "POST /connect/" + entry->id + " HTTP/1.1\r\nHost: 127.0.0.1:" + port +
      "\r\nOrigin: http://127.0.0.1:" + port +
      "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  request.Append(body.Reveal());
  body.Clear();
  UniqueFd connection = rawhttp::ConnectLoopback(listener.port());
  ASSERT_TRUE(connection.valid());
  ASSERT_EQ(::send(connection.get(), request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  request.Clear();
  std::string answer;
  char chunk[4096];
  for (int i = 0; i < 50 && answer.find("</html>") == std::string::npos; ++i) {
    pollfd ready{connection.get(), POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    const ssize_t got = ::read(connection.get(), chunk, sizeof chunk);
    if (got <= 0) break;
    answer.append(chunk, static_cast<std::size_t>(got));
  }
  ASSERT_NE(answer.find("Connection saved"), std::string::npos) << answer;
  // The connection is still open: the server's thread, parser and read
  // buffer for it are alive.
  std::vector<std::string> holding = MappingsHoldingCanary(canary);
  EXPECT_TRUE(holding.empty()) << "the form's password is still in memory, in:\n" << Lines(holding);
}

}  // namespace
}  // namespace aurite::host
