// Two end users through one named PostgreSQL connection (issue 19), driven
// by the official TypeScript SDK client with access tokens the OpenID
// provider harness issues (client_credentials clients standing for alice,
// bob and carol). run-rls-e2e.sh set up the database: rls_e2e.orders has a
// row-level security policy on current_user, and the gateway's policy runs
// each statement as rls_e2e_<preferred_username>.
//
//   node sdk_rls.mjs <gateway url> <issuer> <artifact dir>
//
// Writes the tokens it used to <artifact dir>/tokens.txt for the runner's
// log checks. Exits non-zero on the first failed expectation.
import { writeFileSync } from 'node:fs';
import { importPinned } from '../harness/oidc/pinned.mjs';
import { expect } from './expect.mjs';
import { userToken } from '../harness/oidc/login.mjs';

const { Client } = await importPinned('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await importPinned('@modelcontextprotocol/sdk/client/streamableHttp.js');

const [url, issuer, artifacts] = process.argv.slice(2);
const tokens = [];

// A session of `user`, with a token the provider issued for the gateway.
async function signedIn(user) {
  const token = await userToken(issuer, user, url);
  tokens.push(token);
  const client = new Client({ name: `aurite-rls-e2e-${user}`, version: '1.0.0' });
  const headers = { authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

const text = (result) => JSON.stringify(result);
// The values of the first column of a query_storage result.
const column = (result) => (result.structuredContent?.rows ?? []).map((row) => (Array.isArray(row) ? row[0] : Object.values(row)[0]));

async function query(client, connection, sql, extra = {}) {
  return client.callTool({ name: 'query_storage', arguments: { connection_id: connection, query: sql, ...extra } });
}

// alice and bob: the same tools, the same named connection, their own rows.
const connections = {};
for (const [user, own, other] of [['alice', ['alice-apples', 'alice-pears'], 'bob-bricks'], ['bob', ['bob-bricks'], 'alice-apples']]) {
  const client = await signedIn(user);
  const names = (await client.listTools()).tools.map((t) => t.name).sort();
  expect(text(names) === text(['connect_storage', 'disconnect_storage', 'list_connections', 'query_storage']),
    `${user} sees exactly the four tools the policy gives analysts and support`, names);
  const connected = await client.callTool({ name: 'connect_storage', arguments: { storage_type: 'postgresql', connection_name: 'orders' } });
  expect(!connected.isError && connected.structuredContent?.connection_id, `${user} connects to the named connection orders`, connected);
  const connection = connected.structuredContent.connection_id;
  connections[user] = { client, connection };

  const items = await query(client, connection, 'SELECT item FROM rls_e2e.orders ORDER BY item');
  expect(!items.isError && text(column(items)) === text(own), `${user} sees only their own rows (${own.join(', ')})`, items);
  const who = await query(client, connection, 'SELECT current_user::text, session_user::text');
  expect(!who.isError && text(who.structuredContent?.rows?.[0]).includes(`rls_e2e_${user}`) && text(who).includes('rls_e2e_gateway'),
    `${user}'s statements run as role rls_e2e_${user} over the one login rls_e2e_gateway`, who);
  const otherRole = `rls_e2e_${user === 'alice' ? 'bob' : 'alice'}`;
  const forged = await query(client, connection, 'SELECT item FROM rls_e2e.orders', { role: otherRole });
  expect(!text(forged).includes(other), `${user} cannot pick another role with a 'role' argument`, forged);
  const reset = await query(client, connection, `RESET ROLE; SELECT item FROM rls_e2e.orders`);
  expect(!text(reset).includes(other), `${user} cannot leave the role with RESET ROLE`, reset);
  // The login may SET ROLE to every user's role, so SQL that switches role
  // inside the statement is refused before it reaches the database.
  const switches = {
    'set_config': `SELECT set_config('role', '${otherRole}', true), (SELECT string_agg(item, ',') FROM rls_e2e.orders)`,
    'quoted set_config': `SELECT pg_catalog."set_config"('role', '${otherRole}', true), (SELECT string_agg(item, ',') FROM rls_e2e.orders)`,
    'a DO block': `DO $$BEGIN EXECUTE 'SET ROLE ${otherRole}'; RAISE EXCEPTION '%', (SELECT string_agg(item, ',') FROM rls_e2e.orders); END$$`,
    'SET ROLE': `SET ROLE ${otherRole}`,
  };
  for (const [how, sql] of Object.entries(switches)) {
    const switched = await query(client, connection, sql);
    expect(switched.isError && !text(switched).includes(other) && /switch the database role/.test(text(switched)),
      `${user} cannot switch to another user's role with ${how}`, switched);
  }
  const write = await query(client, connection, `INSERT INTO rls_e2e.orders VALUES ('rls_e2e_${user}', 'more')`);
  expect(write.isError, `${user}'s policy (access read) keeps the connection read-only though the operator allows writes`, write);
}

// One user cannot use the other's connection, even through the same login.
const stolen = await query(connections.bob.client, connections.alice.connection, 'SELECT item FROM rls_e2e.orders');
expect(stolen.isError && !text(stolen).includes('alice-'), 'bob cannot query alice\'s connection id', stolen);
const listed = await connections.bob.client.callTool({ name: 'list_connections', arguments: {} });
expect(!listed.isError && !text(listed).includes(connections.alice.connection), 'bob\'s list_connections does not show alice\'s connection', listed);

// carol: a rule without the query tools.
const carol = await signedIn('carol');
const carolTools = (await carol.listTools()).tools.map((t) => t.name);
expect(text(carolTools) === text(['list_connections']), 'carol sees only list_connections', carolTools);
const refused = await query(carol, connections.alice.connection, 'SELECT item FROM rls_e2e.orders');
expect(refused.isError && /not allowed for 'carol'/.test(text(refused)) && !text(refused).includes('alice-'),
  'carol\'s query_storage is refused by the policy, with a clear reason', refused);
const connect = await carol.callTool({ name: 'connect_storage', arguments: { storage_type: 'postgresql', connection_name: 'orders' } });
expect(connect.isError, 'carol cannot connect to orders', connect);

for (const { client } of Object.values(connections)) await client.close();
await carol.close();
writeFileSync(`${artifacts}/tokens.txt`, tokens.join('\n') + '\n');
