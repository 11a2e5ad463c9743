// One connection per POST keeps the client simple; MCP traffic from a host
// to a server is a handful of calls, not a request flood.
#include "mcp/transport/http_client.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <limits>
#include <thread>

#include "crypto/wiping_allocator.h"
#include "runtime/log.h"

namespace aurite::mcp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Request headers carry the bearer token.
using WipedFields = http::basic_fields<crypto::WipingAllocator<char>>;

// Incremental text/event-stream parser.
class SseParser {
 public:
  void Feed(std::string_view text, const std::function<void(const std::string&)>& on_data) {
    for (char c : text) {
      if (c == '\r') continue;
      if (c != '\n') {
        line_.push_back(c);
        continue;
      }
      if (line_.empty()) {
        if (has_data_) on_data(data_);
        data_.clear();
        has_data_ = false;
      } else {
        Field(line_);
      }
      line_.clear();
    }
  }
  const std::string& last_event_id() const { return last_event_id_; }
  int retry_ms() const { return retry_ms_; }

 private:
  void Field(const std::string& line) {
    if (line.front() == ':') return;
    const auto colon = line.find(':');
    const std::string name = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (name == "data") {
      if (has_data_) data_.push_back('\n');
      data_ += value;
      has_data_ = true;
    } else if (name == "id") {
      last_event_id_ = value;
    } else if (name == "retry") {
      retry_ms_ = std::atoi(value.c_str());
    }
  }
  std::string line_, data_, last_event_id_;
  bool has_data_ = false;
  int retry_ms_ = 0;
};

std::optional<RequestId> AwaitedId(const std::string& message) {
  const Json j = Json::parse(message, nullptr, false);
  if (!j.is_object() || !j.contains("method") || !j.contains("id")) return std::nullopt;
  return RequestId::FromJson(j["id"]);
}

}  // namespace

struct HttpClient::Answer {
  int status = 0;
  bool sse = false;
  std::string body;           // JSON answers only
  std::string last_event_id;  // SSE answers only
  int retry_ms = 0;
  bool saw_response = false;  // SSE: the awaited response arrived
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), posts_(std::make_unique<runtime::ThreadPool>(8)) {
  client_ = std::make_unique<McpClient>(
      [this](std::string message) { return Send(std::move(message)); }, options_.client);
}

HttpClient::~HttpClient() {
  client_->Close();
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    for (int fd : open_sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  closing_cv_.notify_all();
  if (listener_.joinable()) listener_.join();
  posts_.reset();
  client_.reset();
}

std::string HttpClient::session_id() const {
  std::lock_guard lock(mu_);
  return session_id_;
}

Status HttpClient::Send(std::string message) {
  posts_->Submit([this, message = std::move(message)] { Post(message); });
  return OkStatus();
}

void HttpClient::Listen() {
  std::string last_event_id;
  for (;;) {
    auto answer = Exchange(static_cast<int>(http::verb::get), "", last_event_id);
    if (!answer.ok() || answer->status != 200) return;  // refused, or the session is gone
    if (!answer->last_event_id.empty()) last_event_id = answer->last_event_id;
    std::unique_lock lock(mu_);
    const auto pause = std::chrono::milliseconds(answer->retry_ms > 0 ? answer->retry_ms : 1000);
    if (closing_cv_.wait_for(lock, pause, [this] { return closing_; })) return;
  }
}

void HttpClient::Post(const std::string& message) {
  const auto awaited = AwaitedId(message);
  if (message.find("\"notifications/initialized\"") != std::string::npos) {
    std::lock_guard lock(mu_);
    if (!listening_ && !closing_) {
      listening_ = true;
      listener_ = std::thread([this] { Listen(); });
    }
  }
  std::string failure;
  auto answer = Exchange(static_cast<int>(http::verb::post), message, "");
  for (int attempt = 0; answer.ok() && answer->sse && awaited && !answer->saw_response &&
                        !answer->last_event_id.empty() && attempt < options_.max_resumptions;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(answer->retry_ms));
    auto resumed = Exchange(static_cast<int>(http::verb::get), "", answer->last_event_id);
    if (resumed.ok() && resumed->last_event_id.empty())
      resumed->last_event_id = answer->last_event_id;
    answer = std::move(resumed);
  }
  if (!answer.ok()) {
    failure = answer.status().message();
  } else if (answer->status < 200 || answer->status >= 300) {
    failure = fmt::format("HTTP status {}", answer->status);
  } else if (!answer->sse && !answer->body.empty()) {
    client_->Receive(answer->body);
  }
  if (failure.empty() || !awaited) {
    if (!failure.empty()) runtime::LogWarn("HTTP notification not delivered: {}", failure);
    return;
  }
  // Fail the call now rather than letting it wait for its timeout.
  client_->Receive(Dump({{"jsonrpc", "2.0"},
                         {"id", awaited->ToJson()},
                         {"error", MakeError(error_code::kConnectionClosed, failure).ToJson()}}));
}

StatusOr<HttpClient::Answer> HttpClient::Exchange(int verb, const std::string& body,
                                                  const std::string& last_event_id) {
  asio::io_context io;
  beast::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec)
    return UnavailableError(fmt::format("cannot resolve {}: {}", options_.host, ec.message()));
  tcp::socket socket(io);
  asio::connect(socket, endpoints, ec);
  if (ec) return UnavailableError(fmt::format("cannot connect: {}", ec.message()));
  {
    std::lock_guard lock(mu_);
    if (closing_) return UnavailableError("client is closing");
    open_sockets_.insert(socket.native_handle());
  }
  struct Unregister {
    HttpClient* self;
    int fd;
    ~Unregister() {
      std::lock_guard lock(self->mu_);
      self->open_sockets_.erase(fd);
    }
  } unregister{this, socket.native_handle()};

  http::request<http::string_body, WipedFields> req(static_cast<http::verb>(verb), options_.path,
                                                    11);
  req.set(http::field::host, fmt::format("{}:{}", options_.host, options_.port));
  req.set(http::field::accept, "application/json, text/event-stream");
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  if (!options_.bearer_token.empty()) {
    crypto::SecretBuffer header = crypto::SecretBuffer::CopyFrom("Bearer ");
    header.Append(options_.bearer_token.Reveal());
    const std::string_view value = header.Reveal();
    req.set(http::field::authorization, beast::string_view(value.data(), value.size()));
  }
  if (const std::string id = session_id(); !id.empty()) req.set("Mcp-Session-Id", id);
  if (const std::string v = client_->protocol_version(); !v.empty())
    req.set("MCP-Protocol-Version", v);
  if (!last_event_id.empty()) req.set("Last-Event-ID", last_event_id);
  req.body() = body;
  req.prepare_payload();

  auto run = [&](auto& stream) -> StatusOr<Answer> {
    http::write(stream, req, ec);
    if (ec) return UnavailableError(fmt::format("cannot send the request: {}", ec.message()));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    // Not boost::none: Beast 1.74 then rejects every Content-Length body.
    // SSE bodies are consumed as they arrive, so no limit is needed.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read_header(stream, buffer, parser, ec);
    if (ec) return UnavailableError(fmt::format("no HTTP answer: {}", ec.message()));
    Answer answer;
    answer.status = static_cast<int>(parser.get().result_int());
    const auto type = parser.get()[http::field::content_type];
    answer.sse = type.find("text/event-stream") != beast::string_view::npos;
    const auto session = parser.get()["Mcp-Session-Id"];
    if (!session.empty()) {
      std::lock_guard lock(mu_);
      session_id_ = std::string(session);
    }
    SseParser sse;
    const auto awaited = AwaitedId(body);
    auto on_event = [&](const std::string& data) {
      if (awaited) {
        const Json j = Json::parse(data, nullptr, false);
        if (j.is_object() && !j.contains("method") && j.contains("id") &&
            RequestId::FromJson(j["id"]) == awaited) {
          answer.saw_response = true;
        }
      }
      client_->Receive(data);
    };
    while (!parser.is_done()) {
      http::read_some(stream, buffer, parser, ec);
      if (answer.sse) {
        sse.Feed(parser.get().body(), on_event);
        parser.get().body().clear();
        if (answer.saw_response) break;
      }
      if (ec) break;
    }
    if (!answer.sse) answer.body = std::move(parser.get().body());
    answer.last_event_id = sse.last_event_id();
    answer.retry_ms = sse.retry_ms();
    return answer;
  };

  if (!options_.tls) return run(socket);
  asio::ssl::context tls(asio::ssl::context::tls_client);
  if (options_.tls_ca_file.empty()) {
    tls.set_default_verify_paths();
  } else {
    tls.load_verify_file(options_.tls_ca_file, ec);
    if (ec) return InvalidArgumentError(fmt::format("cannot load CA file: {}", ec.message()));
  }
  tls.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<tcp::socket&> stream(socket, tls);
  stream.set_verify_callback(asio::ssl::host_name_verification(options_.host));
  SSL_set_tlsext_host_name(stream.native_handle(), options_.host.c_str());
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return UnavailableError(fmt::format("TLS handshake failed: {}", ec.message()));
  return run(stream);
}

Status HttpClient::Terminate() {
  // The server ends the session's GET stream; the listener's next attempt gets 404 and stops.
  auto answer = Exchange(static_cast<int>(http::verb::delete_), "", "");
  if (!answer.ok()) return answer.status();
  if (answer->status >= 300) return UnavailableError(fmt::format("HTTP status {}", answer->status));
  return OkStatus();
}

}  // namespace aurite::mcp
