// End-to-end through the official TypeScript SDK client over Streamable
// HTTP: the seed's secure flow against `aurite serve`, on a SQLite file and
// on the PostgreSQL of the aurite_databases fixture (AURITE_TEST_DATABASES),
// with bearer authentication, checking that the canary password never comes
// back.
//
//   AURITE_GATEWAY_TOKEN=... node sdk_gateway.mjs <gateway url> <sqlite connection string>
//
// Exits non-zero on the first failed expectation.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, sqlite] = process.argv.slice(2);
const bearer = process.env.AURITE_GATEWAY_TOKEN;
const received = [];

function expect(condition, what, detail) {
  if (!condition) {
    console.error(`FAIL ${what}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok   ${what}`);
}

const unauthenticated = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
});
expect(unauthenticated.status === 401, 'a request without the bearer token gets 401', unauthenticated.status);

const client = new Client({ name: 'aurite-e2e', version: '1.0.0' });
await client.connect(
  new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${bearer}` } } }),
);

const { tools } = await client.listTools();
const names = tools.map((tool) => tool.name);
for (const name of ['secure_database_connection', 'connect_storage', 'query_storage', 'disconnect_storage', 'sql_execute_query']) {
  expect(names.includes(name), `tool ${name} listed`, names);
}
expect(names.every((name) => /^[a-zA-Z0-9_-]{1,64}$/.test(name)), 'tool names are valid', names);

async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  received.push(JSON.stringify(result));
  return result;
}

async function seedFlow(label, storageType, connectionString, query, expected) {
  const secured = await call('secure_database_connection', { connection_string: connectionString });
  const { token, masked_connection_string: masked } = secured.structuredContent;
  expect(token.startsWith('aurite_tk_'), `${label}: secure returns a token`, secured);
  expect(typeof masked === 'string' && masked.length > 0, `${label}: secure returns the masked string`, secured);

  const connected = await call('connect_storage', { storage_type: storageType, connection_string: token });
  expect(!connected.isError, `${label}: connect_storage with the token`, connected);
  const id = connected.structuredContent.connection_id;

  const rows = await call('query_storage', { connection_id: id, query });
  expect(!rows.isError && JSON.stringify(rows.structuredContent).includes(expected), `${label}: query_storage returns rows`, rows);

  const gone = await call('disconnect_storage', { connection_id: id });
  expect(!gone.isError, `${label}: disconnect_storage`, gone);

  const again = await call('connect_storage', { storage_type: storageType, connection_string: token });
  expect(again.isError && !JSON.stringify(again).includes(token), `${label}: the token no longer resolves`, again);
}

await seedFlow('sqlite', 'sqlite', sqlite, 'SELECT name FROM customers ORDER BY id', 'Ada Lovelace');

const databases = process.env.AURITE_TEST_DATABASES;
expect(Boolean(databases), 'AURITE_TEST_DATABASES names the fixture databases', databases);
const postgres = JSON.parse(readFileSync(databases, 'utf8')).postgres;
await seedFlow('postgresql', 'postgresql', postgres.uri, "SELECT 'pg' || 'ok' AS answer", 'pgok');
const failed = await call('connect_storage', { storage_type: 'postgresql', connection_string: postgres.uri.replace('@', 'x@') });
expect(failed.isError, 'postgresql: a wrong password is an error result', failed);

const encoded = postgres.uri.slice(postgres.uri.indexOf(':', 'postgresql://'.length) + 1, postgres.uri.lastIndexOf('@'));
const everything = received.join('\n');
for (const canary of [postgres.password, encoded, JSON.stringify(postgres.password).slice(1, -1)]) {
  expect(!everything.includes(canary), 'the canary password is in no response', canary.length);
}

await client.close();
