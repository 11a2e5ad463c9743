// InterruptOnStop: a cancelled tool call interrupts its database statement.
#include "servers/sql/interrupt_on_stop.h"

#include <system_error>

namespace aurite::servers::sql {

InterruptOnStop::InterruptOnStop(aurite::sql::Connection& connection, std::stop_token stop)
    : connection_(connection) {
  // Runs OnStop at once when the call was already cancelled.
  callback_.emplace(std::move(stop), OnStop{this});
}

// Runs at most once, before the destructor's callback_.reset() returns.
void InterruptOnStop::OnStop::operator()() const noexcept {
  aurite::sql::Connection& connection = self->connection_;
  try {
    self->interrupter_ = std::thread([&connection] { connection.Interrupt(); });
  } catch (const std::system_error&) {
    // No thread to spare: interrupt here rather than not at all.
    connection.Interrupt();
  }
}

InterruptOnStop::~InterruptOnStop() {
  callback_.reset();
  if (interrupter_.joinable()) interrupter_.join();
  connection_.ClearInterrupt();
}

}  // namespace aurite::servers::sql
