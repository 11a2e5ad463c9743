// Fuzzes the request handling of the Streamable HTTP server
// (src/mcp/transport) on raw request bytes: Boost.Beast's parser with the
// server's header and body limits, then the checks the server runs on every
// head (AmbiguousHead, CheckAccess with Host, Origin and
// MCP-Protocol-Version; the bearer-token authenticator), the 2026-07-28
// routing headers (Mcp-Method, Mcp-Name: CheckRoutingHeaders) and
// Mcp-Param-* headers (param_headers),
// the body as a JSON-RPC message, and stream resumption from Last-Event-ID
// (ParseEventId, EventStream::Next).
//
// Properties: nothing crashes or throws; a head with two Host headers is
// always ambiguous; a request with no or a wrong bearer token is always
// refused; a parameter header in =?base64?...?= form decodes back to the
// text it encodes; a parsed event id reads back from the id EventStream
// makes of it, and resuming after it yields exactly the later events, in
// order.
#include <boost/beast/http.hpp>
#include <string>
#include <variant>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "mcp/core/message_parser.h"
#include "mcp/core/modern_era.h"
#include "mcp/transport/bearer_auth.h"
#include "mcp/transport/event_stream.h"
#include "mcp/transport/http_auth.h"
#include "mcp/transport/http_request_checks.h"
#include "mcp/transport/param_headers.h"

namespace {

using aurite::fuzz::Check;
namespace mcp = aurite::mcp;
namespace http = boost::beast::http;
using mcp::Json;

constexpr std::string_view kToken = "fuzz-bearer-token";

// A tool whose arguments travel in headers too, as SEP-2243 annotates them.
const Json& ToolSchema() {
  static const Json schema = Json::parse(R"({"type": "object", "properties": {
      "region": {"type": "string", "x-mcp-header": "Region"},
      "count": {"type": "integer", "x-mcp-header": "Count"},
      "flag": {"type": "boolean", "x-mcp-header": "Flag"},
      "plain": {"type": "string"}}})");
  return schema;
}

std::string WrapBase64(std::string_view text) {
  return "=?base64?" + aurite::fuzz::StandardBase64(text) + "?=";
}

void CheckHeaders(const mcp::HttpRequest& req) {
  auto ambiguous = mcp::AmbiguousHead(req);
  if (req.count(http::field::host) > 1) Check(ambiguous.has_value(), "two Hosts are ambiguous");
  for (bool with_origins : {false, true}) {
    mcp::HttpServerOptions options;
    if (with_origins) options.allowed_origins = {"https://app.example"};
    (void)mcp::CheckAccess(req, options);
  }
  // The bearer token is the authenticator's to check (http_auth.h).
  const mcp::Authenticator authenticate = mcp::DigestAuthenticator({mcp::TokenDigestHex(kToken)});
  const auto outcome =
      authenticate(mcp::BearerToken(req).value_or(std::string_view()), "127.0.0.1");
  const std::string_view authorization = mcp::HeaderValue(req, http::field::authorization);
  if (authorization.find(kToken) == std::string_view::npos) {
    Check(std::holds_alternative<mcp::AuthRefusal>(outcome),
          "a request without the bearer token is refused");
  }
  (void)mcp::Accepts(req, "text/event-stream");
  (void)mcp::Accepts(req, "application/json");
  for (const auto& field : req) {
    const std::string_view value(field.value().data(), field.value().size());
    (void)mcp::DecodeParamHeader(value);
    auto decoded = mcp::DecodeParamHeader(WrapBase64(value));
    Check(decoded.has_value() && *decoded == value, "a base64 parameter header round-trips");
  }
}

void CheckResumption(std::string_view last_event_id) {
  auto position = mcp::ParseEventId(last_event_id);
  if (!position) return;
  mcp::EventStream stream{std::string(position->stream_id)};
  const std::string event_id = stream.EventId(position->seq);
  auto again = mcp::ParseEventId(event_id);
  Check(again && again->stream_id == position->stream_id && again->seq == position->seq,
        "an event id reads back from the id a stream makes");
  const std::uint64_t count = last_event_id.size() % 5;
  for (std::uint64_t i = 0; i < count; ++i) stream.Push("event");
  stream.Finish();
  bool done = false;
  auto events = stream.Next(position->seq, std::chrono::milliseconds(0), &done);
  Check(done, "a finished stream says so");
  const std::uint64_t expected = position->seq < count ? count - position->seq : 0;
  Check(events.size() == expected, "resuming yields exactly the later events");
  for (std::size_t i = 0; i < events.size(); ++i) {
    Check(events[i].seq == position->seq + 1 + i, "resumed events come in order");
  }
}

void CheckBody(const mcp::HttpRequest& req) {
  auto parsed = mcp::ParseJsonText(req.body(), {});
  auto* body = std::get_if<Json>(&parsed);
  if (body == nullptr || !body->is_object()) return;
  auto classified = mcp::ClassifyMessage(*body);
  auto* message = std::get_if<mcp::Message>(&classified);
  if (message == nullptr) return;
  auto* request = std::get_if<mcp::Request>(message);
  if (request == nullptr) return;
  const auto version = mcp::HeaderValue(req, "MCP-Protocol-Version");
  (void)mcp::ReadModernRequest(request->params, version);
  (void)mcp::CheckRoutingHeaders(request->method, request->params,
                                 mcp::HeaderValue(req, "Mcp-Method"),
                                 mcp::HeaderValue(req, "Mcp-Name"));
  if (request->params.is_object()) {
    const Json arguments = request->params.value("arguments", Json::object());
    (void)mcp::CheckParamHeaders(ToolSchema(), arguments, [&req](const std::string& name) {
      return mcp::HeaderValue(req, name);
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // As the server reads a request (http_server.cc): the same limits.
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  boost::asio::const_buffer rest(data, size);
  while (rest.size() > 0 && !parser.is_done()) {
    const std::size_t used = parser.put(rest, ec);
    if (ec || used == 0) break;
    rest += used;
  }
  if (!parser.is_header_done()) return 0;
  const mcp::HttpRequest& req = parser.get();
  CheckHeaders(req);
  CheckResumption(mcp::HeaderValue(req, "Last-Event-ID"));
  if (!ec && parser.is_done()) CheckBody(req);
  return 0;
}
