// Input-required results and sealed request states. The seal is
// "<hex HMAC-SHA256 of payload>.<payload>": the payload stays readable (it
// is the server's own state), only its integrity is protected.
#include "mcp/server/input_required.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "base/text.h"
#include "crypto/random.h"

namespace aurite::mcp {
namespace {

constexpr std::size_t kMacBytes = 32;

const std::array<unsigned char, 32>& SealKey() {
  static const std::array<unsigned char, 32> key = [] {
    std::array<unsigned char, 32> k{};
    crypto::FillRandom(k);
    return k;
  }();
  return key;
}

std::string MacHex(std::string_view payload) {
  std::array<unsigned char, kMacBytes> mac{};
  unsigned int length = 0;
  const auto& key = SealKey();
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac.data(), &length);
  return HexEncode(mac);
}

const Json* Param(const CallContext& context, const char* key) {
  if (context.request_params == nullptr || !context.request_params->is_object()) return nullptr;
  auto it = context.request_params->find(key);
  return it == context.request_params->end() ? nullptr : &*it;
}

}  // namespace

Json ElicitationInput(const std::string& message, Json requested_schema) {
  return {{"method", "elicitation/create"},
          {"params", {{"message", message}, {"requestedSchema", std::move(requested_schema)}}}};
}

Json SamplingInput(Json params) {
  return {{"method", "sampling/createMessage"}, {"params", std::move(params)}};
}

Json RootsInput() { return {{"method", "roots/list"}, {"params", Json::object()}}; }

Json InputRequiredResult(Json input_requests, const std::optional<std::string>& state) {
  Json result = {{"resultType", "input_required"}, {"inputRequests", std::move(input_requests)}};
  if (state) result["requestState"] = SealRequestState(*state);
  return result;
}

const Json* InputResponse(const CallContext& context, std::string_view key) {
  const Json* responses = Param(context, "inputResponses");
  if (responses == nullptr || !responses->is_object()) return nullptr;
  auto it = responses->find(key);
  return it == responses->end() || !it->is_object() ? nullptr : &*it;
}

std::optional<std::string> RequestState(const CallContext& context) {
  const Json* state = Param(context, "requestState");
  if (state == nullptr || !state->is_string()) return std::nullopt;
  return OpenRequestState(state->get_ref<const std::string&>());
}

std::string SealRequestState(std::string_view payload) {
  return MacHex(payload) + "." + std::string(payload);
}

std::optional<std::string> OpenRequestState(std::string_view sealed) {
  const auto dot = sealed.find('.');
  if (dot != 2 * kMacBytes) return std::nullopt;
  const std::string_view payload = sealed.substr(dot + 1);
  const std::string expected = MacHex(payload);
  if (CRYPTO_memcmp(expected.data(), sealed.data(), expected.size()) != 0) return std::nullopt;
  return std::string(payload);
}

}  // namespace aurite::mcp
