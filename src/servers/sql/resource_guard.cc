// Out of memory and out of threads as tool errors.
#include "servers/sql/resource_guard.h"

#include <new>
#include <system_error>

namespace aurite::servers::sql {

mcp::ToolHandler ResourceGuarded(mcp::ToolHandler handler) {
  return [handler = std::move(handler)](const mcp::Json& arguments,
                                        mcp::CallContext& context) -> mcp::RpcResult {
    try {
      return handler(arguments, context);
    } catch (const std::bad_alloc&) {
      return mcp::ToolErrorResult(
          "out of memory: this call needed more memory than the SQL server may use (its cap is "
          "aurite sql-server --max-memory), so it was stopped and its database session closed; "
          "the server goes on serving other calls. Select fewer rows or a part of large values "
          "(e.g. substr() or left()), or ask the operator to raise --max-memory");
    } catch (const std::system_error& e) {
      if (e.code() != std::errc::resource_unavailable_try_again) throw;
      return mcp::ToolErrorResult(
          "the SQL server could not start a thread for this call (its memory cap, aurite "
          "sql-server --max-memory, or the system's thread limit is reached); try again when "
          "other calls have finished");
    }
  };
}

}  // namespace aurite::servers::sql
