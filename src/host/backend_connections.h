// BackendConnections: which client owns each database connection a storage
// server opened through the gateway's re-exposed tools (for example
// sql_connect_database), so that no client can use or close another's.
//
// Contract:
//  - Record() notes that `owner` (an mcp::SessionOwner key) opened
//    `connection_id` on `server`.
//  - Owns() is true only for the owner that recorded the id; an id never
//    recorded belongs to nobody, so a made-up id and another client's id
//    look the same.
//  - Forget() drops an id its server has closed.
//  - TakeOwnedBy() removes and returns every id `owner` recorded.
//  - Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace aurite::host {

class BackendConnections {
 public:
  struct Entry {
    std::string server;
    std::string connection_id;
  };

  void Record(const std::string& server, const std::string& connection_id,
              const std::string& owner);
  bool Owns(const std::string& server, const std::string& connection_id,
            const std::string& owner) const;
  void Forget(const std::string& server, const std::string& connection_id);
  std::vector<Entry> TakeOwnedBy(const std::string& owner);
  // How many ids are recorded now.
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return owners_.size();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::string> owners_;  // (server, id) -> owner
};

}  // namespace aurite::host
