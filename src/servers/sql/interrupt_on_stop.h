// InterruptOnStop: while alive, a stop request on a tool call's stop token
// (the client sent notifications/cancelled) interrupts the database
// statement the call is running, so the engine stops it at once instead of
// running on until it ends or hits the statement timeout.
//
// Contract:
//  - The interrupt runs on a thread of its own: Connection::Interrupt()
//    waits for the server's answer, and the stop callback runs on the
//    session's reader thread, which must keep reading.
//  - The destructor waits for that thread, then calls ClearInterrupt(), so
//    the connection goes back to its pool ready for the next call.
//  - `connection` must outlive this object; one per leased connection.
#pragma once

#include <optional>
#include <stop_token>
#include <thread>

#include "sql/connection.h"

namespace aurite::servers::sql {

class InterruptOnStop {
 public:
  InterruptOnStop(aurite::sql::Connection& connection, std::stop_token stop);
  ~InterruptOnStop();
  InterruptOnStop(const InterruptOnStop&) = delete;
  InterruptOnStop& operator=(const InterruptOnStop&) = delete;

 private:
  struct OnStop {
    InterruptOnStop* self;
    void operator()() const noexcept;
  };

  aurite::sql::Connection& connection_;
  std::thread interrupter_;
  std::optional<std::stop_callback<OnStop>> callback_;
};

}  // namespace aurite::servers::sql
