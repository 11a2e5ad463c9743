// Crypto core throughput: Fernet on a connection-string-sized secret, the
// building block of every secure/resolve.
#include <benchmark/benchmark.h>

#include "crypto/fernet.h"

namespace aurite::crypto {
namespace {

// 100 bytes, the size of a typical connection string with TLS options.
const std::string kConnectionString =
    "postgresql://app_user:Sup3r-S3cret!@db.internal.example:5432/orders?sslmode=verify-full&x=1";

void BM_FernetEncryptDecrypt(benchmark::State& state) {
  Fernet fernet(FernetKey::Generate());
  std::string plaintext = kConnectionString + std::string(100 - kConnectionString.size(), 'x');
  for (auto _ : state) {
    std::string token = fernet.Encrypt(plaintext);
    StatusOr<SecretBuffer> opened = fernet.Decrypt(token);
    benchmark::DoNotOptimize(opened);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FernetEncryptDecrypt);

void BM_FernetDecrypt(benchmark::State& state) {
  Fernet fernet(FernetKey::Generate());
  std::string token = fernet.Encrypt(kConnectionString);
  for (auto _ : state) benchmark::DoNotOptimize(fernet.Decrypt(token));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FernetDecrypt);

}  // namespace
}  // namespace aurite::crypto

BENCHMARK_MAIN();
