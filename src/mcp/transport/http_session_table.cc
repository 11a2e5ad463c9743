// Leases are taken under the table's lock, the same lock eviction and expiry
// check idleness under, so a session found for a request cannot be ended
// between the lookup and its use.
#include "mcp/transport/http_session_table.h"

#include <optional>

#include "base/text.h"
#include "crypto/random.h"
#include "mcp/transport/http_auth.h"
#include "runtime/log.h"

namespace aurite::mcp {
namespace {

std::string NewSessionId() {
  unsigned char bytes[16];
  crypto::FillRandom(bytes);
  return HexEncode(bytes);
}

}  // namespace

SessionLease::SessionLease(std::shared_ptr<HttpSession> session, bool passive)
    : session_(std::move(session)), passive_(passive) {}

SessionLease::~SessionLease() {
  if (session_) session_->EndUse(passive_);
}

SessionLease& SessionLease::operator=(SessionLease&& other) noexcept {
  if (this != &other) {
    if (session_) session_->EndUse(passive_);
    session_ = std::move(other.session_);
    passive_ = other.passive_;
  }
  return *this;
}

HttpSessionTable::HttpSessionTable(McpServer& server, const HttpLimits& limits)
    : server_(server),
      max_sessions_(limits.max_sessions),
      idle_timeout_(limits.session_idle_timeout),
      max_in_flight_(limits.max_in_flight_per_session) {}

HttpSessionTable::~HttpSessionTable() { EndAll(); }

SessionLease HttpSessionTable::Create(std::shared_ptr<const AuthInfo> auth) {
  std::lock_guard lock(mu_);
  if (sessions_.size() >= max_sessions_) {
    auto oldest = sessions_.end();
    std::optional<std::chrono::steady_clock::time_point> oldest_use;
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      const auto idle_since = it->second->IdleSince();
      if (idle_since && (!oldest_use || *idle_since < *oldest_use)) {
        oldest = it;
        oldest_use = idle_since;
      }
    }
    if (oldest == sessions_.end()) {
      runtime::LogWarn("refused a new HTTP session: all {} sessions are in use", sessions_.size());
      return {};
    }
    runtime::LogInfo(
        "ending the least recently used idle HTTP session to make room for a new one ({} max)",
        max_sessions_);
    evicted_.push_back(std::move(oldest->second));
    sessions_.erase(oldest);
  }
  auto session = std::make_shared<HttpSession>(server_, NewSessionId(), max_in_flight_);
  SessionOwner owner = session->mcp().owner();
  owner.auth = std::move(auth);
  session->mcp().SetOwner(std::move(owner));
  sessions_[session->id()] = session;
  session->BeginUse();
  return SessionLease(std::move(session), /*passive=*/false);
}

SessionLease HttpSessionTable::Find(std::string_view id, std::shared_ptr<const AuthInfo> auth,
                                    bool passive) {
  std::lock_guard lock(mu_);
  auto it = FindOwnedLocked(id, auth.get());
  if (it == sessions_.end()) return {};
  if (auth != nullptr) it->second->mcp().RefreshAuth(std::move(auth));
  it->second->BeginUse(passive);
  return SessionLease(it->second, passive);
}

HttpSessionTable::SessionMap::iterator HttpSessionTable::FindOwnedLocked(std::string_view id,
                                                                         const AuthInfo* auth) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return it;
  if (!SamePrincipal(it->second->mcp().owner().auth.get(), auth)) {
    // Logged without the id or any token: someone's valid token, another's session.
    runtime::LogWarn("refused a request for an HTTP session of another principal ({})",
                     auth != nullptr ? PrincipalKey(*auth) : "anonymous");
    return sessions_.end();
  }
  return it;
}

bool HttpSessionTable::EndNow(std::string_view id, const AuthInfo* auth) {
  std::shared_ptr<HttpSession> session;
  {
    std::lock_guard lock(mu_);
    auto it = FindOwnedLocked(id, auth);
    if (it == sessions_.end()) return false;
    session = std::move(it->second);
    sessions_.erase(it);
  }
  End({std::move(session)});
  return true;
}

void HttpSessionTable::EndRetired() {
  std::vector<std::shared_ptr<HttpSession>> retired;
  {
    std::lock_guard lock(mu_);
    retired.swap(evicted_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (!it->second->IdleLongerThan(idle_timeout_)) {
        ++it;
        continue;
      }
      runtime::LogInfo("closed HTTP session idle for over {} ms", idle_timeout_.count());
      retired.push_back(std::move(it->second));
      it = sessions_.erase(it);
    }
  }
  End(std::move(retired));
}

void HttpSessionTable::CloseAll() {
  std::lock_guard lock(mu_);
  for (auto& [id, session] : sessions_) session->Close();
}

void HttpSessionTable::EndAll() {
  std::vector<std::shared_ptr<HttpSession>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(evicted_);
    for (auto& [id, session] : sessions_) all.push_back(std::move(session));
    sessions_.clear();
  }
  End(std::move(all));
}

std::size_t HttpSessionTable::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void HttpSessionTable::End(std::vector<std::shared_ptr<HttpSession>> sessions) {
  for (auto& session : sessions) session->End();
}

}  // namespace aurite::mcp
