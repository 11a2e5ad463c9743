// End-to-end through the official TypeScript SDK client over Streamable
// HTTP: the seed's secure flow against `aurite serve` and a SQLite file.
//
//   node sdk_gateway.mjs <gateway url> <sqlite connection string>
//
// Exits non-zero on the first failed expectation.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, database] = process.argv.slice(2);

function expect(condition, what, detail) {
  if (!condition) {
    console.error(`FAIL ${what}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok   ${what}`);
}

const client = new Client({ name: 'aurite-e2e', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));

const { tools } = await client.listTools();
const names = tools.map((tool) => tool.name);
for (const name of ['secure_database_connection', 'connect_storage', 'query_storage', 'disconnect_storage', 'sql_execute_query']) {
  expect(names.includes(name), `tool ${name} listed`, names);
}
expect(names.every((name) => /^[a-zA-Z0-9_-]{1,64}$/.test(name)), 'tool names are valid', names);

const call = (name, args) => client.callTool({ name, arguments: args });

const secured = await call('secure_database_connection', { connection_string: database });
const { token, masked_connection_string: masked } = secured.structuredContent;
expect(token.startsWith('aurite_tk_'), 'secure returns a token', secured);
expect(typeof masked === 'string' && masked.length > 0, 'secure returns the masked string', secured);

const connected = await call('connect_storage', { storage_type: 'sqlite', connection_string: token });
expect(!connected.isError, 'connect_storage with the token', connected);
const id = connected.structuredContent.connection_id;

const rows = await call('query_storage', { connection_id: id, query: 'SELECT name FROM customers ORDER BY id' });
expect(!rows.isError && JSON.stringify(rows.structuredContent).includes('Ada Lovelace'), 'query_storage returns rows', rows);

const gone = await call('disconnect_storage', { connection_id: id });
expect(!gone.isError, 'disconnect_storage', gone);

const again = await call('connect_storage', { storage_type: 'sqlite', connection_string: token });
expect(again.isError && !JSON.stringify(again).includes(token), 'the token no longer resolves', again);

await client.close();
