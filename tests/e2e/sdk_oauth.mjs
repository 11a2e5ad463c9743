// End-to-end OAuth 2.1 (issue 19): the official TypeScript SDK client meets
// `aurite serve` whose gateway.auth trusts the OpenID provider harness
// (tests/harness/oidc). Without a token the gateway answers 401 pointing to
// its RFC 9728 metadata; the SDK discovers the provider from there,
// registers itself, runs authorization code + PKCE with the gateway as
// resource, the headless user alice signs in, and the SDK lists the tools
// and queries the named SQLite connection "sample"; the same with the 2.x
// client (@modelcontextprotocol/client) for carol, and its client_credentials
// provider for a machine. Then: bob's token cannot
// use alice's session nor her connection; expired, not yet valid,
// wrong-audience, wrong-issuer, unsigned, badly signed, unknown-key and
// HS256-keyed-with-the-public-key tokens get 401; a token without mcp:tools
// gets 403 insufficient_scope.
//
//   node sdk_oauth.mjs <gateway url> <issuer> <artifact dir>
//
// Writes the access tokens it used to <artifact dir>/tokens.txt, one a line,
// for the runner to check that no log holds them. Exits non-zero on the
// first failed expectation.
import { writeFileSync } from 'node:fs';
import { importPinned } from '../harness/oidc/pinned.mjs';
import { expect } from './expect.mjs';
import { signIn, userToken, mintToken } from '../harness/oidc/login.mjs';
import { memoryOAuthClient } from '../harness/oidc/memory_client.mjs';

const { Client } = await importPinned('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await importPinned('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { UnauthorizedError } = await importPinned('@modelcontextprotocol/sdk/client/auth.js');
const jose = await importPinned('jose');

const [url, issuer, artifacts] = process.argv.slice(2);
const tokens = [];

// One JSON-RPC message with `token` (and a session), as a client without
// the SDK sends it; a notification when `body` has no id.
async function post(token, body, session) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, ...body }) });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate') ?? '',
    session: response.headers.get('mcp-session-id'),
    text: await response.text(),
  };
}
const initialize = {
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
};
// A session opened with `token`: its id, or null.
async function openSession(token) {
  const opened = await post(token, initialize);
  if (opened.status !== 200 || !opened.session) return null;
  await post(token, { method: 'notifications/initialized', id: undefined }, opened.session);
  return opened.session;
}

// Discovery as the specification has it: 401, then the metadata it names.
const bare = await post(undefined, initialize);
const metadataUrl = /resource_metadata="([^"]+)"/.exec(bare.challenge)?.[1];
expect(bare.status === 401 && /^Bearer /.test(bare.challenge) && metadataUrl, 'no token: 401 with Bearer resource_metadata', bare);
const metadata = await (await fetch(metadataUrl)).json();
expect(metadata.resource === url && metadata.authorization_servers?.includes(issuer) && metadata.scopes_supported?.includes('mcp:tools'),
  'the protected resource metadata names the gateway, the provider and mcp:tools', metadata);
const bareWellKnown = await fetch(new URL('/.well-known/oauth-protected-resource', url));
expect(bareWellKnown.status === 200 && (await bareWellKnown.json()).resource === url, 'the bare well-known path serves it too', bareWellKnown.status);

// The SDK's own flow, the user signing in headlessly.
const alice = memoryOAuthClient('aurite oauth e2e');
let refused;
try {
  await new Client({ name: 'aurite-oauth-e2e', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: alice }));
} catch (error) {
  refused = error;
}
expect(refused instanceof UnauthorizedError && alice.memory.authorizationUrl, 'the SDK is sent to the provider to authorize', String(refused));
const asked = alice.memory.authorizationUrl;
expect(asked.origin === issuer && asked.searchParams.get('resource') === url && asked.searchParams.get('code_challenge_method') === 'S256'
  && asked.searchParams.get('scope')?.split(' ').includes('mcp:tools'),
  'the authorization request names the gateway as resource, mcp:tools and PKCE', asked.href);
const back = await signIn(asked, { login: 'alice', password: 'alice-password' });
expect(back.searchParams.get('state') === alice.memory.state, 'alice signs in and is sent back with the state', back.href);
const retry = new StreamableHTTPClientTransport(new URL(url), { authProvider: alice });
await retry.finishAuth(back.searchParams.get('code'));
const aliceToken = alice.memory.tokens.access_token;
tokens.push(aliceToken);
const claims = jose.decodeJwt(aliceToken);
expect(claims.aud === url && claims.sub === 'alice', 'the access token is for the gateway and alice', claims);

const client = new Client({ name: 'aurite-oauth-e2e', version: '1.0.0' });
await client.connect(retry);
const { tools } = await client.listTools();
const names = tools.map((t) => t.name);
expect(['connect_storage', 'query_storage', 'disconnect_storage'].every((n) => names.includes(n)), 'alice lists the gateway tools', names);
const connected = await client.callTool({ name: 'connect_storage', arguments: { storage_type: 'sqlite', connection_name: 'sample' } });
expect(!connected.isError && connected.structuredContent?.connection_id, 'alice connects to the named connection', connected);
const connection = connected.structuredContent.connection_id;
const query = { connection_id: connection, query: 'SELECT name FROM customers ORDER BY id' };
const rows = await client.callTool({ name: 'query_storage', arguments: query });
expect(!rows.isError && JSON.stringify(rows.structuredContent).includes('Ada Lovelace'), 'alice queries it', rows);

// bob: a real token of his own, for the same gateway.
const bobToken = await userToken(issuer, 'bob', url);
tokens.push(bobToken);
const call = { method: 'tools/call', params: { name: 'query_storage', arguments: query } };
const hijack = await post(bobToken, call, retry.sessionId);
expect([403, 404].includes(hijack.status) && !hijack.text.includes('Ada Lovelace'), 'bob\'s token cannot use alice\'s session', hijack);
const bobSessionId = await openSession(bobToken);
expect(bobSessionId && bobSessionId !== retry.sessionId, 'bob opens a session of his own', bobSessionId);
const foreign = await post(bobToken, call, bobSessionId);
expect(foreign.status === 200 && !foreign.text.includes('Ada Lovelace') && /"isError":\s*true/.test(foreign.text),
  'bob cannot query alice\'s connection from his session', foreign);
const stillAlice = await client.callTool({ name: 'query_storage', arguments: query });
expect(!stillAlice.isError, 'alice\'s session and connection still serve her', stillAlice);

// The 2.x client (@modelcontextprotocol/client 2.4.0, its default era
// negotiation): the same flow for carol, then a machine client whose
// ClientCredentialsProvider gets bob's token from his cc-bob client.
const next = await importPinned('@modelcontextprotocol/client');
const carol = memoryOAuthClient('aurite oauth e2e 2.x');
let refusedNext;
try {
  await new next.Client({ name: 'aurite-oauth-e2e-2', version: '1.0.0' })
    .connect(new next.StreamableHTTPClientTransport(new URL(url), { authProvider: carol }));
} catch (error) {
  refusedNext = error;
}
expect(refusedNext instanceof next.UnauthorizedError && carol.memory.authorizationUrl?.searchParams.get('resource') === url,
  '2.x: the client is sent to the provider with the gateway as resource', String(refusedNext));
const carolBack = await signIn(carol.memory.authorizationUrl, { login: 'carol', password: 'carol-password' });
const carolTransport = new next.StreamableHTTPClientTransport(new URL(url), { authProvider: carol });
await carolTransport.finishAuth(carolBack.searchParams);
tokens.push(carol.memory.tokens.access_token);
const nextClient = new next.Client({ name: 'aurite-oauth-e2e-2', version: '1.0.0' });
await nextClient.connect(carolTransport);
const carolConnected = await nextClient.callTool({ name: 'connect_storage', arguments: { storage_type: 'sqlite', connection_name: 'sample' } });
const carolRows = await nextClient.callTool({
  name: 'query_storage',
  arguments: { connection_id: carolConnected.structuredContent?.connection_id, query: 'SELECT count(*) AS n FROM customers' },
});
expect(!carolRows.isError && jose.decodeJwt(carol.memory.tokens.access_token).sub === 'carol', '2.x: carol signs in and queries', carolRows);
await nextClient.close();
const machine = new next.ClientCredentialsProvider({ clientId: 'cc-bob', clientSecret: 'bob-cc-secret', scope: 'mcp:tools', expectedIssuer: issuer });
const machineClient = new next.Client({ name: 'aurite-oauth-e2e-machine', version: '1.0.0' });
await machineClient.connect(new next.StreamableHTTPClientTransport(new URL(url), { authProvider: machine }));
const machineTools = (await machineClient.listTools()).tools.map((t) => t.name);
tokens.push(machine.tokens()?.access_token ?? '');
expect(machineTools.includes('query_storage') && jose.decodeJwt(machine.tokens().access_token).aud === url,
  '2.x: a client_credentials client gets a token for the gateway by itself', machineTools);
await machineClient.close();

// Tokens the gateway must refuse with 401 (and say why without echoing them).
const now = Math.floor(Date.now() / 1000);
const { privateKey: strangerKey } = await jose.generateKeyPair('ES256');
// One character inside the signature changed (the last one may carry only
// padding bits, which a lenient decoder ignores).
const badSignature = (token) => {
  const at = token.lastIndexOf('.') + 10;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
};
const signedBy = (key, header, body) => new jose.SignJWT(body).setProtectedHeader(header).sign(key);
const good = { sub: 'alice', aud: url, scope: 'mcp:tools', client_id: 'aurite-e2e' };
// The provider's published key of alice's token, as PEM: the secret of the
// algorithm-confusion attack (HS256 keyed with a public key).
const aliceKid = jose.decodeProtectedHeader(aliceToken).kid;
const { jwks_uri: jwksUri } = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const published = (await (await fetch(jwksUri)).json()).keys.find((k) => k.kid === aliceKid);
const publicPem = await jose.exportSPKI(await jose.importJWK(published, published.alg));
// Each with what the gateway's error_description must say, so that each is
// refused for its own fault.
const refusedTokens = {
  'expired two minutes ago': [await mintToken(issuer, good, { expiresIn: -120 }), /expired/],
  'not valid for ten minutes': [await mintToken(issuer, { ...good, nbf: now + 600 }), /not valid yet/],
  'for another resource': [await userToken(issuer, 'alice', 'http://127.0.0.1:1/mcp'), /not meant for/],
  'from another issuer': [await mintToken(issuer, { ...good, iss: 'http://127.0.0.1:1' }), /not issued by/],
  'unsigned (alg none)': [new jose.UnsecuredJWT({ ...good, iss: issuer, exp: now + 300 }).encode(), /algorithm/],
  'with a bad signature': [badSignature(aliceToken), /signature/],
  'signed by a key the provider never published': [await signedBy(strangerKey, { alg: 'ES256', kid: 'stranger', typ: 'at+jwt' },
    { ...good, iss: issuer, iat: now, exp: now + 300 }), /key/],
  'HMAC-signed with the provider\'s public key': [await signedBy(new TextEncoder().encode(publicPem),
    { alg: 'HS256', kid: aliceKid, typ: 'at+jwt' }, { ...good, iss: issuer, iat: now, exp: now + 300 }), /algorithm/],
};
for (const [what, [token, reason]] of Object.entries(refusedTokens)) {
  tokens.push(token);
  const answer = await post(token, initialize);
  const description = /error_description="([^"]*)"/.exec(answer.challenge)?.[1] ?? '';
  expect(answer.status === 401 && answer.challenge.includes('error="invalid_token"') && answer.challenge.includes('resource_metadata=')
    && reason.test(description) && !answer.challenge.includes(token) && !answer.text.includes(token),
    `a token ${what} gets 401 invalid_token saying why`, answer);
}
const narrow = await userToken(issuer, 'alice', url, 'mcp:read');
tokens.push(narrow);
const insufficient = await post(narrow, initialize);
expect(insufficient.status === 403 && insufficient.challenge.includes('error="insufficient_scope"') && insufficient.challenge.includes('mcp:tools'),
  'a token without mcp:tools gets 403 insufficient_scope naming it', insufficient);

await client.close();
writeFileSync(`${artifacts}/tokens.txt`, `${tokens.join('\n')}\n`);
