// Benchmarks for the security layer's figures in issue 3:
//  - BM_ResolveLiveToken: resolve of a live token among 1,000, in process
//    (goal: < 5 µs median); BM_ResolveLiveTokenAudited adds the audit write;
//  - BM_Redact1MiBWith1000Secrets: redaction of a 1 MiB tool result with 1,000
//    live secrets (goal: >= 500 MB/s, the bytes_per_second column).
// The Fernet figure (>= 10x Python cryptography) is crypto_bench's.
// Medians come from 5 repetitions.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "security/security_manager.h"

namespace aurite::security {
namespace {

constexpr std::string_view kType = "database_connection";

std::string ConnectionString(int i) {
  return "postgresql://app_user_" + std::to_string(i) + ":Pw-" + std::to_string(1000003 * (i + 1)) +
         "-x@db-" + std::to_string(i) + ".internal:5432/prod";
}

std::unique_ptr<SecurityManager> MemoryManager(std::unique_ptr<AuditLog> audit_log) {
  SecurityManagerOptions options;
  options.audit_log = std::move(audit_log);
  auto manager = SecurityManager::Create(std::move(options));
  if (!manager.ok()) std::abort();
  (*manager)->RegisterServerPermissions("sql", {std::string(kType)});
  return std::move(*manager);
}

void ResolveLoop(benchmark::State& state, SecurityManager& manager) {
  auto secured = manager.Secure(kType, crypto::SecretBuffer::CopyFrom(ConnectionString(1)),
                                {.ttl = std::chrono::seconds(0)});
  if (!secured.ok()) std::abort();
  std::string_view token = secured->token.Reveal();
  for (auto _ : state) {
    auto resolved = manager.Resolve(token, "sql", kType);
    benchmark::DoNotOptimize(resolved);
  }
}

void BM_ResolveLiveToken(benchmark::State& state) {
  auto manager = MemoryManager(nullptr);
  for (int i = 0; i < 1000; ++i) {
    (void)manager->Secure(kType, crypto::SecretBuffer::CopyFrom(ConnectionString(i)));
  }
  ResolveLoop(state, *manager);
}
BENCHMARK(BM_ResolveLiveToken)->Repetitions(5)->ReportAggregatesOnly(true);

// The same with every decision written to an audit log, as the host runs it.
void BM_ResolveLiveTokenAudited(benchmark::State& state) {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("aurite-bench-audit-" + std::to_string(::getpid()));
  {
    auto log = AuditLog::Open(path);
    if (!log.ok()) std::abort();
    auto manager = MemoryManager(std::move(*log));
    ResolveLoop(state, *manager);
  }
  std::filesystem::remove(path);
}
BENCHMARK(BM_ResolveLiveTokenAudited)->Repetitions(5)->ReportAggregatesOnly(true);

// A 1 MiB JSON-like tool result: rows of ordinary data, with a few live
// secrets and detectable secrets mixed in.
std::string ToolResult() {
  std::string text = "{\"rows\":[";
  for (int i = 0; text.size() < (1 << 20); ++i) {
    text += "[" + std::to_string(i) + ",\"customer " + std::to_string(i * 31) +
            "\",\"2024-05-01T10:00:00Z\",\"shipped to 12 Example Street, Springfield\",";
    if (i % 997 == 0) text += "\"" + ConnectionString(i % 1000) + "\",";
    if (i % 1499 == 0) text += "\"password=hunter" + std::to_string(i) + "\",";
    text += "42.50],";
  }
  text.resize(1 << 20);
  return text;
}

void BM_Redact1MiBWith1000Secrets(benchmark::State& state) {
  auto manager = MemoryManager(nullptr);
  for (int i = 0; i < 1000; ++i) {
    (void)manager->Secure(kType, crypto::SecretBuffer::CopyFrom(ConnectionString(i)));
  }
  std::string text = ToolResult();
  benchmark::DoNotOptimize(manager->Redact("warm up the redactor"));
  for (auto _ : state) {
    std::string redacted = manager->Redact(text);
    benchmark::DoNotOptimize(redacted);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_Redact1MiBWith1000Secrets)->Repetitions(5)->ReportAggregatesOnly(true);

}  // namespace
}  // namespace aurite::security

BENCHMARK_MAIN();
