// The gateway's /healthz, /readyz and /metrics (ops_endpoints.h).
#include "host/ops_endpoints.h"

#include <utility>

#include "runtime/log.h"

namespace aurite::host {
namespace {

constexpr const char* kOpsTextType = "text/plain; charset=utf-8";

mcp::PageResponse OpsText(int status, std::string body) {
  mcp::PageResponse page;
  page.status = status;
  page.content_type = kOpsTextType;
  page.body = std::move(body);
  return page;
}

// A reason as one short line: a line feed in it could pass for another
// check's line, and a long one is no use to a load balancer.
std::string OneShortLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (text.size() > OpsEndpoints::kMaxReasonBytes) {
    // Cut on a character boundary: never inside a UTF-8 sequence.
    std::size_t cut = OpsEndpoints::kMaxReasonBytes - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    text += "...";
  }
  return text;
}

}  // namespace

OpsEndpoints::OpsEndpoints(OpsEndpointsConfig config, runtime::MetricsRegistry& registry,
                           Redact redact)
    : config_(config), registry_(registry), redact_(std::move(redact)) {}

void OpsEndpoints::AddReadinessCheck(ReadinessCheck check) {
  std::lock_guard lock(mu_);
  checks_.push_back(std::move(check));
}

void OpsEndpoints::ServeOn(mcp::HttpServerOptions& options) {
  if (config_.healthz) options.ops_pages[kHealthzPath] = [this] { return Health(); };
  if (config_.readyz) options.ops_pages[kReadyzPath] = [this] { return Readiness(); };
  if (config_.metrics) options.ops_pages[kMetricsPath] = [this] { return Metrics(); };
}

mcp::PageResponse OpsEndpoints::Health() const { return OpsText(200, "ok\n"); }

mcp::PageResponse OpsEndpoints::Readiness() {
  std::vector<ReadinessCheck> checks;
  {
    std::lock_guard lock(mu_);
    checks = checks_;
  }
  std::string failures;
  for (const ReadinessCheck& check : checks) {
    const Status status = check.check();
    if (status.ok()) continue;
    failures += check.name + ": " + OneShortLine(redact_(status.message())) + "\n";
  }
  const bool ready = failures.empty();
  if (last_ready_.exchange(ready ? 1 : 0) != (ready ? 1 : 0)) {
    if (ready) {
      runtime::LogInfo("readiness: ready");
    } else {
      runtime::LogWarn("readiness: not ready: {}", OneShortLine(failures));
    }
  }
  return ready ? OpsText(200, "ready\n") : OpsText(503, "not ready\n" + failures);
}

mcp::PageResponse OpsEndpoints::Metrics() const {
  mcp::PageResponse page = OpsText(200, registry_.Render());
  page.content_type = runtime::MetricsRegistry::kContentType;
  return page;
}

}  // namespace aurite::host
