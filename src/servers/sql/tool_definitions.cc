// Tool schemas of `aurite sql-server`.
#include "servers/sql/tool_definitions.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;

Json StringProperty(const std::string& description) {
  return {{"type", "string"}, {"description", description}};
}

Json ParamsProperty() {
  return {
      {"type", "array"},
      {"description", "Values for the placeholders, in order. {\"base64\": \"…\"} binds bytes."}};
}

// Present only when the operator allowed a privileged login on a read-only
// connection (allow_privileged_login): what read-only mode does not stop.
Json WarningProperty() {
  return StringProperty(
      "Present when the operator allowed a privileged database login: read-only is not enforced "
      "for the statements it names.");
}

Json ConnectionIdProperty() {
  return StringProperty("The connection_id returned by connect_database.");
}

Json Annotations(const std::string& title, bool read_only, bool destructive, bool open_world) {
  return {{"title", title},
          {"readOnlyHint", read_only},
          {"destructiveHint", destructive},
          {"idempotentHint", !destructive},
          {"openWorldHint", open_world}};
}

mcp::Tool MakeTool(std::string name, std::string title, std::string description, Json input,
                   Json output, Json annotations) {
  mcp::Tool tool;
  tool.name = std::move(name);
  tool.title = std::move(title);
  tool.description = std::move(description);
  tool.input_schema = std::move(input);
  tool.output_schema = std::move(output);
  tool.annotations = std::move(annotations);
  return tool;
}

Json ObjectSchema(Json properties, Json required) {
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

}  // namespace

mcp::Tool ConnectDatabaseTool() {
  Json input = ObjectSchema(
      {{"connection_string",
        StringProperty("A database URL: postgresql://user:password@host:5432/db, "
                       "mysql://… or mariadb://…, sqlite:///relative.db, sqlite:////absolute.db, "
                       "sqlite::memory:, or libpq key=value pairs. With use_token=true: an access "
                       "token (aurite_tk_…) issued by the host instead.")},
       {"use_token",
        {{"type", "boolean"},
         {"default", false},
         {"description",
          "True when connection_string is an access token for the host to resolve."}}},
       {"read_only",
        {{"type", "boolean"},
         {"default", false},
         {"description",
          "True to open the connection read-only even where the operator allowed writes."}}}},
      {"connection_string"});
  Json output = ObjectSchema(
      {{"connection_id", StringProperty("Pass this to the other tools.")},
       {"database_type", {{"type", "string"}, {"enum", {"sqlite", "postgresql", "mariadb"}}}},
       {"masked_connection_string", StringProperty("The connection string, password as ****.")},
       {"server_version", StringProperty("The database server's version.")},
       {"table_count", {{"type", "integer"}}},
       {"writes_allowed",
        {{"type", "boolean"},
         {"description", "Whether the operator let queries on this connection write."}}},
       {"warning", WarningProperty()}},
      {"connection_id", "database_type", "masked_connection_string", "server_version",
       "table_count", "writes_allowed"});
  return MakeTool("connect_database", "Connect to a database",
                  "Opens a connection to a SQLite, PostgreSQL or MariaDB/MySQL database and "
                  "returns a connection_id for the other tools.",
                  std::move(input), std::move(output),
                  Annotations("Connect to a database", true, false, true));
}

mcp::Tool ListTablesTool() {
  Json table = ObjectSchema({{"schema", {{"type", "string"}}},
                             {"name", {{"type", "string"}}},
                             {"type", {{"type", "string"}, {"enum", {"table", "view"}}}}},
                            {"schema", "name", "type"});
  return MakeTool(
      "list_tables", "List tables", "Lists the tables and views of a connected database.",
      ObjectSchema(
          {{"connection_id", ConnectionIdProperty()},
           {"schema", StringProperty("Only this schema (PostgreSQL) or database (MariaDB).")}},
          {"connection_id"}),
      ObjectSchema(
          {{"tables", {{"type", "array"}, {"items", table}}}, {"warning", WarningProperty()}},
          {"tables"}),
      Annotations("List tables", true, false, false));
}

mcp::Tool DescribeTableTool() {
  return MakeTool(
      "describe_table", "Describe a table",
      "Columns (type, nullability, default), primary key, foreign keys and indexes of a table.",
      ObjectSchema({{"connection_id", ConnectionIdProperty()},
                    {"table", StringProperty("The table's name.")},
                    {"schema", StringProperty("The table's schema, if not the default.")}},
                   {"connection_id", "table"}),
      {{"type", "object"},
       {"properties",
        {{"warning", WarningProperty()},
         {"schema", {{"type", "string"}}},
         {"name", {{"type", "string"}}},
         {"columns", {{"type", "array"}}},
         {"primary_key", {{"type", "array"}, {"items", {{"type", "string"}}}}},
         {"foreign_keys", {{"type", "array"}}},
         {"indexes", {{"type", "array"}}}}},
       {"required", {"name", "columns"}}},
      Annotations("Describe a table", true, false, false));
}

mcp::Tool ExecuteQueryTool(bool allow_writes) {
  Json input = ObjectSchema(
      {{"connection_id", ConnectionIdProperty()},
       {"query", StringProperty("One SQL statement. Use $1, $2 (PostgreSQL) or ? (MariaDB, "
                                "SQLite) placeholders for values.")},
       {"params", ParamsProperty()},
       {"max_rows",
        {{"type", "integer"},
         {"minimum", 0},
         {"description", "Return at most this many rows (the server caps it)."}}},
       {"role",
        StringProperty("Run the statement as this database role (PostgreSQL SET LOCAL ROLE, "
                       "MariaDB SET ROLE), which must be granted to the connection's login; a "
                       "plain identifier. Not for SQLite.")}},
      {"connection_id", "query"});
  Json column = ObjectSchema({{"name", {{"type", "string"}}}, {"type", {{"type", "string"}}}},
                             {"name", "type"});
  Json output = ObjectSchema({{"columns", {{"type", "array"}, {"items", column}}},
                              {"rows", {{"type", "array"}, {"items", {{"type", "array"}}}}},
                              {"row_count", {{"type", "integer"}}},
                              {"truncated", {{"type", "boolean"}}},
                              {"affected_rows", {{"type", "integer"}}},
                              {"elapsed_ms", {{"type", "number"}}},
                              {"warning", WarningProperty()}},
                             {"columns", "rows", "row_count", "truncated", "elapsed_ms"});
  std::string description =
      allow_writes ? "Runs one SQL statement. This server allows writes."
                   : "Runs one read-only SQL statement; the database itself refuses writes.";
  mcp::Tool tool = MakeTool("execute_query", "Run a SQL query",
                            description +
                                " Large integers and exact decimals come back as strings, "
                                "binary values as {\"base64\": …}.",
                            std::move(input), std::move(output),
                            Annotations("Run a SQL query", !allow_writes, allow_writes, false));
  tool.task_support = mcp::TaskSupport::kOptional;
  return tool;
}

mcp::Tool ExplainQueryTool() {
  return MakeTool(
      "explain_query", "Explain a SQL query",
      "Shows the database's plan for one SQL statement without running it.",
      ObjectSchema({{"connection_id", ConnectionIdProperty()},
                    {"query", StringProperty("One SQL statement.")},
                    {"params", ParamsProperty()}},
                   {"connection_id", "query"}),
      ObjectSchema({{"plan", Json::object()}, {"warning", WarningProperty()}}, {"plan"}),
      Annotations("Explain a SQL query", true, false, false));
}

mcp::Tool DisconnectTool() {
  return MakeTool("disconnect", "Disconnect", "Closes a connection and forgets its credentials.",
                  ObjectSchema({{"connection_id", ConnectionIdProperty()}}, {"connection_id"}),
                  ObjectSchema({{"disconnected", {{"type", "boolean"}}}}, {"disconnected"}),
                  Annotations("Disconnect", false, false, false));
}

}  // namespace aurite::servers::sql
