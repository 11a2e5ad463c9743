// Ownership of the connections storage servers open for the gateway's clients.
#include "host/backend_connections.h"

namespace aurite::host {

void BackendConnections::Record(const std::string& server, const std::string& connection_id,
                                const std::string& owner) {
  std::lock_guard lock(mu_);
  owners_[{server, connection_id}] = owner;
}

bool BackendConnections::Owns(const std::string& server, const std::string& connection_id,
                              const std::string& owner) const {
  std::lock_guard lock(mu_);
  auto it = owners_.find({server, connection_id});
  return it != owners_.end() && it->second == owner;
}

void BackendConnections::Forget(const std::string& server, const std::string& connection_id) {
  std::lock_guard lock(mu_);
  owners_.erase({server, connection_id});
}

std::vector<BackendConnections::Entry> BackendConnections::TakeOwnedBy(const std::string& owner) {
  std::vector<Entry> owned;
  std::lock_guard lock(mu_);
  for (auto it = owners_.begin(); it != owners_.end();) {
    if (it->second == owner) {
      owned.push_back({it->first.first, it->first.second});
      it = owners_.erase(it);
    } else {
      ++it;
    }
  }
  return owned;
}

}  // namespace aurite::host
