// What the gateway lets through to a backend server in a tool call's
// arguments: it never forwards a database credential, so it must recognise
// one wherever a client puts it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mcp/core/jsonrpc.h"

namespace aurite::host {

// True when `text`, taken as a whole, is a connection string that carries a
// secret: a URI (postgresql://app:pw@db/orders, jdbc:mysql://...) or
// keyword=value pairs (host=db password=pw; Server=db;Pwd=pw) in which the
// masking rules find a secret part. A SQL statement that merely mentions a
// password column is not one: it is neither form.
bool IsRawConnectionString(std::string_view text);

// Where in `args` the first string that IsRawConnectionString sits, as a
// path such as "dsn" or "targets/0/url"; nullopt when there is none. The
// top-level member named `except` is not looked at.
std::optional<std::string> FindRawConnectionString(const mcp::Json& args,
                                                   std::string_view except = {});

}  // namespace aurite::host
