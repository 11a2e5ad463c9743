// One thread per client, blocking Beast calls: a load client's threads
// mostly wait on the server, and blocking code measures each call plainly.
#include "support/http_load.h"

// clang-format off
#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without it
// clang-format on

#include <algorithm>
#include <atomic>
#include <barrier>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace aurite::httpload {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// "{name}" replaced by each variable's value.
std::string Fill(std::string text, const std::map<std::string, std::string>& variables) {
  for (const auto& [name, value] : variables) {
    const std::string key = "{" + name + "}";
    for (auto at = text.find(key); at != std::string::npos;
         at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

// The JSON-RPC answer with `id` in a JSON body or an SSE stream.
std::optional<Json> FindAnswer(const std::string& type, const std::string& body, int id) {
  auto matches = [id](const Json& message) {
    return message.is_object() && message.value("id", Json()) == id &&
           (message.contains("result") || message.contains("error"));
  };
  if (type.find("text/event-stream") == std::string::npos) {
    Json message = Json::parse(body, nullptr, false);
    return matches(message) ? std::optional(message) : std::nullopt;
  }
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("data:")) continue;
    Json message = Json::parse(line.substr(5), nullptr, false);
    if (matches(message)) return message;
  }
  return std::nullopt;
}

// One client: a session over one kept-alive connection, reopened when the
// server closes it.
class Client {
 public:
  Client(const LoadOptions& options, std::atomic<std::uint64_t>& connections)
      : options_(options), connections_(connections), stream_(io_) {}

  // Ends the session (DELETE), so what it holds on the server is released
  // now rather than at its idle expiry; the answer does not matter.
  void End() {
    if (session_.empty() || !open_) return;
    http::request<http::empty_body> req(http::verb::delete_, options_.path, 11);
    req.set(http::field::host, options_.host);
    req.set("Mcp-Session-Id", session_);
    if (!options_.bearer_token.empty()) {
      req.set(http::field::authorization, "Bearer " + options_.bearer_token);
    }
    req.keep_alive(false);
    beast::error_code ec;
    stream_.expires_after(options_.call_timeout);
    http::async_write(stream_, req, [&ec](beast::error_code e, std::size_t) { ec = e; });
    Run();
    http::response<http::string_body> res;
    if (!ec) http::async_read(stream_, buffer_, res, [](beast::error_code, std::size_t) {});
    Run();
    Close();
  }

  // Posts `body`; the parsed answer to request `id` (or, for a
  // notification, id < 0, an empty object on 202). Errors name what failed.
  std::optional<Json> Post(const Json& body, int id, std::string* error) {
    beast::error_code ec;
    if (!open_) {
      stream_.expires_after(options_.call_timeout);
      stream_.async_connect(tcp::endpoint(asio::ip::make_address(options_.host), options_.port),
                            [&ec](beast::error_code e) { ec = e; });
      Run();
      if (ec) {
        Close();
        return Fail(error, "connect: " + ec.message());
      }
      stream_.socket().set_option(tcp::no_delay(true), ec);
      open_ = true;
      ++connections_;
    }
    http::request<http::string_body> req(http::verb::post, options_.path, 11);
    req.set(http::field::host, options_.host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json, text/event-stream");
    if (!session_.empty()) req.set("Mcp-Session-Id", session_);
    if (!options_.bearer_token.empty()) {
      req.set(http::field::authorization, "Bearer " + options_.bearer_token);
    }
    if (initialized_) req.set("MCP-Protocol-Version", options_.protocol_version);
    req.body() = body.dump();
    req.prepare_payload();
    // Asynchronous operations run to completion at once: only they honour
    // the stream's deadline, so a server that never answers fails the call.
    stream_.expires_after(options_.call_timeout);
    http::async_write(stream_, req, [&ec](beast::error_code e, std::size_t) { ec = e; });
    Run();
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) {
      http::async_read(stream_, buffer_, parser,
                       [&ec](beast::error_code e, std::size_t) { ec = e; });
      Run();
    }
    if (ec) {
      Close();
      return Fail(error, "HTTP exchange: " + ec.message());
    }
    const auto& res = parser.get();
    if (!res.keep_alive()) Close();
    if (const auto session = res["Mcp-Session-Id"]; !session.empty()) {
      session_ = std::string(session);
    }
    const int status = res.result_int();
    if (id < 0 && (status == 202 || status == 200)) return Json::object();
    if (status != 200) {
      return Fail(error, "HTTP " + std::to_string(status) + ": " + res.body().substr(0, 200));
    }
    auto answer = FindAnswer(std::string(res[http::field::content_type]), res.body(), id);
    if (!answer) return Fail(error, "no answer to request " + std::to_string(id));
    return answer;
  }

  // initialize and notifications/initialized.
  bool Initialize(std::string* error) {
    const Json init = {{"jsonrpc", "2.0"},
                       {"id", NextId()},
                       {"method", "initialize"},
                       {"params",
                        {{"protocolVersion", options_.protocol_version},
                         {"capabilities", Json::object()},
                         {"clientInfo", {{"name", "http-load"}, {"version", "1"}}}}}};
    auto answer = Post(init, init["id"].get<int>(), error);
    if (!answer) return false;
    if (answer->contains("error")) return Fail(error, "initialize: " + answer->dump()).has_value();
    initialized_ = true;
    return Post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, -1, error)
        .has_value();
  }

  // tools/call; its result, or nothing with *error set (tool errors too).
  std::optional<Json> CallTool(const std::string& tool, const std::string& arguments,
                               std::string* error) {
    const int id = NextId();
    Json args = Json::parse(arguments, nullptr, false);
    if (args.is_discarded()) return Fail(error, "arguments are not JSON: " + arguments);
    auto answer = Post({{"jsonrpc", "2.0"},
                        {"id", id},
                        {"method", "tools/call"},
                        {"params", {{"name", tool}, {"arguments", std::move(args)}}}},
                       id, error);
    if (!answer) return std::nullopt;
    const Json& result = answer->value("result", Json());
    if (answer->contains("error") || result.value("isError", false)) {
      return Fail(error, tool + ": " + answer->dump().substr(0, 300));
    }
    return result;
  }

 private:
  std::optional<Json> Fail(std::string* error, std::string message) {
    *error = std::move(message);
    return std::nullopt;
  }
  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    open_ = false;
  }
  int NextId() { return next_id_++; }
  void Run() {
    io_.restart();
    io_.run();
  }

  const LoadOptions& options_;
  std::atomic<std::uint64_t>& connections_;
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool open_ = false;
  bool initialized_ = false;
  std::string session_;
  int next_id_ = 1;
};

}  // namespace

double LoadResult::Percentile(double q) const {
  if (latencies_us.empty()) return 0;
  return latencies_us[static_cast<std::size_t>(q * static_cast<double>(latencies_us.size() - 1))];
}

Json LoadResult::ToJson() const {
  return {{"calls", calls},
          {"errors", errors},
          {"connections", connections},
          {"clients_ready", clients_ready},
          {"seconds", seconds},
          {"calls_per_second", calls_per_second()},
          {"p50_us", Percentile(0.5)},
          {"p99_us", Percentile(0.99)},
          {"first_error", first_error}};
}

LoadResult RunLoad(const LoadOptions& options) {
  std::atomic<std::uint64_t> connections{0};
  std::mutex mu;
  LoadResult result;
  // The measured phase starts when the last client is ready: the barrier's
  // completion stamps it before any client leaves.
  Clock::time_point start;
  Clock::time_point last_stop;  // the last measured call's end (session ends aside)
  std::barrier ready(options.clients, [&start]() noexcept { start = Clock::now(); });
  auto note_error = [&](const std::string& error) {
    std::lock_guard lock(mu);
    ++result.errors;
    if (result.first_error.empty()) result.first_error = error;
  };
  auto run = [&](int index) {
    Client client(options, connections);
    std::string error;
    std::map<std::string, std::string> variables;
    bool ok = client.Initialize(&error);
    for (const SetupCall& step : options.setup) {
      if (!ok) break;
      auto setup = client.CallTool(step.tool, Fill(step.arguments, variables), &error);
      ok = setup.has_value();
      if (ok && !step.capture.empty()) {
        const Json value =
            setup->value("structuredContent", Json::object()).value(step.capture, Json());
        ok = value.is_string();
        if (ok) variables[step.capture] = value.get<std::string>();
        if (!ok) error = step.tool + ": no structuredContent." + step.capture;
      }
    }
    if (!ok) note_error(error);
    ready.arrive_and_wait();
    if (!ok) return client.End();
    const auto deadline = start + options.duration;
    std::vector<double> latencies;
    std::uint64_t n = static_cast<std::uint64_t>(index) * 7919;
    while (Clock::now() < deadline) {
      variables["n"] = std::to_string(1 + n++ % static_cast<std::uint64_t>(options.n_range));
      const auto t0 = Clock::now();
      auto answer = client.CallTool(options.tool, Fill(options.arguments, variables), &error);
      const double micros = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      if (answer && !options.expect.empty() &&
          answer->dump().find(options.expect) == std::string::npos) {
        answer.reset();
        error = options.tool + ": answer without \"" + options.expect + "\"";
      }
      if (!answer) {
        note_error(error);
        continue;
      }
      latencies.push_back(micros);
    }
    const auto stopped = Clock::now();
    client.End();
    std::lock_guard lock(mu);
    last_stop = std::max(last_stop, stopped);
    ++result.clients_ready;
    result.calls += latencies.size();
    result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < options.clients; ++i) threads.emplace_back(run, i);
  for (auto& thread : threads) thread.join();
  result.seconds = std::chrono::duration<double>(last_stop - start).count();
  std::sort(result.latencies_us.begin(), result.latencies_us.end());
  result.connections = connections;
  return result;
}

}  // namespace aurite::httpload
