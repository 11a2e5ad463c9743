// Tests of the stdio transports: a real child process on the client side,
// real pipes on the server side, and every kind of bad input.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/stdio_client.h"
#include "mcp/transport/stdio_server.h"
#include "runtime/line_reader.h"
#include "runtime/pipe_io.h"
#include "runtime/spdlog_logger.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;

StdioClientOptions ChildOptions(const char* mode = "serve") {
  StdioClientOptions options;
  options.spawn.program = MCP_TEST_CHILD;
  options.spawn.arguments = {mode};
  options.spawn.environment = {"AURITE_CHILD_VISIBLE=yes"};
  options.log_name = "test-child";
  options.shutdown_grace = 2s;
  return options;
}

std::unique_ptr<StdioClient> StartChild(StdioClientOptions options) {
  auto started = StdioClient::Start(std::move(options));
  EXPECT_TRUE(started.ok()) << started.status().ToString();
  return started.ok() ? std::move(started).value() : nullptr;
}

TEST(StdioClient, InitializesAndCallsATool) {
  auto child = StartChild(ChildOptions());
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->client().Initialize().ok());
  RpcResult r = child->client().CallTool("echo", {{"message", "over a pipe"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["content"][0]["text"], "over a pipe");
}

TEST(StdioClient, ChildEnvironmentIsExactlyWhatWeGave) {
  ::setenv("AURITE_PARENT_SECRET", "must-not-leak", 1);
  auto child = StartChild(ChildOptions());
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->client().Initialize().ok());
  RpcResult r = child->client().CallTool("env", Json::object());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["structuredContent"]["env"], Json::array({"AURITE_CHILD_VISIBLE=yes"}));
  ::unsetenv("AURITE_PARENT_SECRET");
}

TEST(StdioClient, StrayStdoutWritesInTheServerDoNotCorruptTheStream) {
  auto child = StartChild(ChildOptions());
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->client().Initialize().ok());
  ASSERT_TRUE(child->client().CallTool("print", Json::object()).ok());
  ASSERT_TRUE(child->client().CallTool("stderr", Json::object()).ok());
  EXPECT_TRUE(child->client().CallTool("echo", {{"message", "still fine"}}).ok());
}

TEST(StdioClient, ChildStderrGoesToOurLog) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  spdlog::logger& log = runtime::Logger();
  const auto saved_level = log.level();
  log.sinks().push_back(sink);
  log.set_level(spdlog::level::info);
  {
    auto child = StartChild(ChildOptions());
    ASSERT_TRUE(child);
    ASSERT_TRUE(child->client().Initialize().ok());
    ASSERT_TRUE(child->client().CallTool("stderr", Json::object()).ok());
    child->Shutdown();  // joins the stderr reader, so the line is logged by now
  }
  log.sinks().pop_back();
  log.set_level(saved_level);
  EXPECT_NE(captured.str().find("[test-child] diagnostic line from the child"), std::string::npos)
      << captured.str();
}

TEST(StdioClient, ChildDyingMidRequestFailsTheCall) {
  std::atomic<bool> exit_seen{false};
  auto options = ChildOptions();
  options.on_exit = [&] { exit_seen = true; };
  auto child = StartChild(std::move(options));
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->client().Initialize().ok());
  RpcResult r = child->client().CallTool("die", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kConnectionClosed);
  for (int i = 0; i < 500 && !exit_seen; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(exit_seen);
  EXPECT_TRUE(child->exited());
  EXPECT_EQ(child->client().Ping().error().code, error_code::kConnectionClosed);
  int status = child->Shutdown();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(StdioClient, WellBehavedChildExitsOnStdinClose) {
  auto child = StartChild(ChildOptions());
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->client().Initialize().ok());
  int status = child->Shutdown();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(StdioClient, MissingProgramIsNotFound) {
  auto options = ChildOptions();
  options.spawn.program = "aurite-no-such-program";
  auto started = StdioClient::Start(std::move(options));
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), StatusCode::kNotFound);
}

// A ServeStdio running on pipes in a thread, with a line-reading peer.
class PipeServer {
 public:
  explicit PipeServer(std::size_t max_bytes = 1024) {
    ServerOptions options;
    options.session.limits.max_bytes = max_bytes;
    server_ = std::make_unique<McpServer>(options);
    Tool echo;
    echo.name = "echo";
    echo.input_schema = {{"type", "object"}, {"required", {"message"}}};
    server_->AddTool(echo, [](const Json& args, CallContext&) -> RpcResult {
      return ToolTextResult(args["message"].dump());
    });
    Tool slow;
    slow.name = "slow";
    server_->AddTool(slow, [](const Json&, CallContext&) -> RpcResult {
      std::this_thread::sleep_for(100ms);
      return ToolTextResult("slow done");
    });
    auto in = runtime::MakePipe();
    auto out = runtime::MakePipe();
    to_server_ = std::move(in->write);
    from_server_ = std::move(out->read);
    server_in_ = std::move(in->read);
    server_out_ = std::move(out->write);
    reader_ = std::make_unique<runtime::LineReader>(from_server_.get(), 1 << 20);
    thread_ = std::thread([this] {
      StdioServerOptions stdio;
      stdio.in_fd = server_in_.get();
      stdio.out_fd = server_out_.get();
      stdio.claim_stdout = false;
      result_ = ServeStdio(*server_, stdio);
      server_out_.Reset();
    });
  }
  ~PipeServer() {
    to_server_.Reset();
    from_server_.Reset();
    if (thread_.joinable()) thread_.join();
  }
  void Send(std::string_view text) { ASSERT_TRUE(runtime::WriteAll(to_server_.get(), text).ok()); }
  Json Read() {
    auto item = reader_->Next();
    if (!item) return nullptr;
    return Json::parse(item->line);
  }
  void Initialize(const char* version = "2025-11-25") {
    Send(Dump({{"jsonrpc", "2.0"},
               {"id", 0},
               {"method", "initialize"},
               {"params", {{"protocolVersion", version}, {"capabilities", Json::object()}}}}) +
         "\n");
    ASSERT_TRUE(Read().contains("result"));
    Send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
  }
  McpServer& server() { return *server_; }
  void AddTool(const char* name, ToolHandler handler) {
    Tool tool;
    tool.name = name;
    server_->AddTool(tool, std::move(handler));
  }
  void CloseInput() { to_server_.Reset(); }
  void CloseOutput() { from_server_.Reset(); }
  Status Join() {
    thread_.join();
    return result_;
  }

 private:
  std::unique_ptr<McpServer> server_;
  UniqueFd to_server_, from_server_, server_in_, server_out_;
  std::unique_ptr<runtime::LineReader> reader_;
  std::thread thread_;
  Status result_;
};

int ErrorCode(const Json& reply) { return reply["error"]["code"].get<int>(); }

TEST(StdioServer, AnswersEachBadInputAndKeepsServing) {
  PipeServer s;
  s.Initialize();
  s.Send("this is not json\n");
  EXPECT_EQ(ErrorCode(s.Read()), error_code::kParseError);
  s.Send(std::string(2000, 'x') + "\n");  // over the 1024-byte limit
  EXPECT_EQ(ErrorCode(s.Read()), error_code::kParseError);
  s.Send(std::string(100, '[') + "\n");
  EXPECT_EQ(ErrorCode(s.Read()), error_code::kParseError);
  s.Send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\xC3\x28\"}\n");
  EXPECT_EQ(ErrorCode(s.Read()), error_code::kParseError);
  s.Send("[1,2]\n");
  EXPECT_EQ(ErrorCode(s.Read()), error_code::kInvalidRequest);
  s.Send("\"just a string\"\n");
  EXPECT_EQ(ErrorCode(s.Read()), error_code::kInvalidRequest);
  s.Send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such/method\"}\n");
  Json unknown = s.Read();
  EXPECT_EQ(unknown["id"], 2);
  EXPECT_EQ(ErrorCode(unknown), error_code::kMethodNotFound);
  s.Send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{}}\n");
  EXPECT_EQ(ErrorCode(s.Read()), error_code::kInvalidParams);
  s.Send("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":{}}\n");  // response to an unknown id
  s.Send("\n   \n");
  s.Send(
      "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
      "\"arguments\":{\"message\":\"alive\"}}}\r\n");
  Json alive = s.Read();
  EXPECT_EQ(alive["id"], 4);
  EXPECT_EQ(alive["result"]["content"][0]["text"], "\"alive\"");
  s.CloseInput();
  EXPECT_TRUE(s.Join().ok());
}

TEST(StdioServer, EndOfInputStillDeliversRunningReplies) {
  PipeServer s;
  s.Initialize();
  s.Send(
      "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}\n");
  s.CloseInput();
  Json reply = s.Read();
  EXPECT_EQ(reply["id"], 9);
  EXPECT_EQ(reply["result"]["content"][0]["text"], "slow done");
  EXPECT_TRUE(s.Join().ok());
}

TEST(StdioServer, EndOfInputReportsTheSessionClosedAfterItsLastHandler) {
  PipeServer s;
  std::atomic<bool> handler_done{false};
  std::atomic<const ServerSession*> caller{nullptr};
  s.AddTool("last", [&](const Json&, CallContext& context) -> RpcResult {
    caller = &context.session;
    std::this_thread::sleep_for(100ms);
    handler_done = true;
    return ToolTextResult("done");
  });
  std::vector<std::pair<const ServerSession*, bool>> closed;  // session, handler done then
  s.server().SetSessionClosedHandler(
      [&](const ServerSession& session) { closed.emplace_back(&session, handler_done.load()); });
  s.Initialize();
  s.Send(
      "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"last\"}}\n");
  s.CloseInput();
  EXPECT_TRUE(s.Join().ok());
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].first, caller.load());
  EXPECT_TRUE(closed[0].second);
}

TEST(StdioServer, PeerDisconnectingMidRequestEndsServingCleanly) {
  PipeServer s;
  s.Initialize();
  s.Send(
      "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}\n");
  s.CloseOutput();
  s.CloseInput();
  (void)s.Join();  // either outcome is fine; it must return and not crash
}

TEST(StdioServer, BatchesFollowTheNegotiatedVersion) {
  PipeServer s;
  s.Initialize("2025-03-26");
  s.Send(
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]\n");
  Json reply = s.Read();
  ASSERT_TRUE(reply.is_array());
  EXPECT_EQ(reply.size(), 2u);
}

// A request runs on the thread that read it once reading has moved to
// another thread (Session::SetReaderHandoff): input must still be read while
// it runs, and the next request must not wait for it.
std::string CallLine(int id, const char* tool) {
  return Dump({{"jsonrpc", "2.0"},
               {"id", id},
               {"method", "tools/call"},
               {"params", {{"name", tool}, {"arguments", Json::object()}}}}) +
         "\n";
}

TEST(StdioServer, ARunningRequestDoesNotHoldUpTheNext) {
  PipeServer s;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  s.AddTool("blocked", [&](const Json&, CallContext&) -> RpcResult {
    released.wait();
    return ToolTextResult("released");
  });
  s.Initialize();
  s.Send(CallLine(1, "blocked"));
  s.Send(
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
      "\"arguments\":{\"message\":\"next\"}}}\n");
  Json next = s.Read();  // while the first is still blocked
  EXPECT_EQ(next["id"], 2);
  release.set_value();
  EXPECT_EQ(s.Read()["id"], 1);
  s.CloseInput();
  EXPECT_TRUE(s.Join().ok());
}

TEST(StdioServer, ACancellationReachesTheRunningRequest) {
  PipeServer s;
  std::promise<bool> saw_cancel;
  s.AddTool("waits", [&](const Json&, CallContext& context) -> RpcResult {
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (!context.rpc.cancelled() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(1ms);
    }
    saw_cancel.set_value(context.rpc.cancelled());
    return ToolTextResult("ended");
  });
  s.Initialize();
  s.Send(CallLine(7, "waits"));
  s.Send(
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
      "\"requestId\":7}}\n");
  EXPECT_TRUE(saw_cancel.get_future().get());
  s.Send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}\n");
  EXPECT_EQ(s.Read()["id"], 8);  // the cancelled request sent nothing
  s.CloseInput();
  EXPECT_TRUE(s.Join().ok());
}

TEST(StdioServer, ARunningRequestGetsTheAnswerToItsOwnCall) {
  PipeServer s;
  s.AddTool("asks", [](const Json&, CallContext& context) -> RpcResult {
    RpcResult answer = context.session.Call("test/ask", Json::object());
    if (!answer.ok()) return ToolErrorResult(answer.error().message);
    return ToolTextResult(answer.value()["said"].get<std::string>());
  });
  s.Initialize();
  s.Send(CallLine(3, "asks"));
  Json question = s.Read();
  ASSERT_EQ(question["method"], "test/ask");
  s.Send(Dump({{"jsonrpc", "2.0"}, {"id", question["id"]}, {"result", {{"said", "yes"}}}}) + "\n");
  Json reply = s.Read();
  EXPECT_EQ(reply["id"], 3);
  EXPECT_EQ(reply["result"]["content"][0]["text"], "yes");
  s.CloseInput();
  EXPECT_TRUE(s.Join().ok());
}

}  // namespace
}  // namespace aurite::mcp
