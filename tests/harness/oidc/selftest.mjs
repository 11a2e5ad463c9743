// Proves the OpenID provider harness on its own, without the gateway: the
// official TypeScript SDK's OAuth client (@modelcontextprotocol/sdk auth())
// discovers the provider through a stand-in resource's RFC 9728 metadata,
// registers itself (RFC 7591), runs authorization code + PKCE with the
// resource indicator, and the access token it gets verifies against the
// provider's JWKS with the resource as audience and the user's claims.
// Then: a wrong password and a denied consent, the client_credentials
// tokens of a user, a minted expired token, a resource off loopback, and
// the conformance suite's authorization-server scenarios (which the pinned
// suites have; they have none for an MCP server as a resource server).
//
//   node selftest.mjs        (exits non-zero on the first failed expectation)
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { importPinned } from './pinned.mjs';
import { signIn, userToken, mintToken, startProvider } from './login.mjs';
import { memoryOAuthClient } from './memory_client.mjs';

const jose = await importPinned('jose');
const { auth } = await importPinned('@modelcontextprotocol/sdk/client/auth.js');

function expect(condition, what, detail) {
  if (!condition) {
    console.error(`FAIL ${what}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok   ${what}`);
}

const { issuer, child } = await startProvider(process.execPath);
process.on('exit', () => child.kill('SIGTERM'));
expect(/^http:\/\/127\.0\.0\.1:\d+$/.test(issuer), 'the provider announces an http issuer on loopback', issuer);
const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
expect(discovery.issuer === issuer && discovery.registration_endpoint && discovery.code_challenge_methods_supported?.includes('S256'),
  'discovery names the issuer, registration and PKCE S256', discovery);

// The stand-in resource: RFC 9728 metadata, and 401 for everything else.
const resourceServer = createServer((req, res) => {
  const base = `http://127.0.0.1:${resourceServer.address().port}`;
  if (req.url === '/.well-known/oauth-protected-resource/mcp') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ resource: `${base}/mcp`, authorization_servers: [issuer], scopes_supported: ['mcp:tools'] }));
    return;
  }
  res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"` }).end();
});
await new Promise((resolve) => resourceServer.listen(0, '127.0.0.1', resolve));
const resource = `http://127.0.0.1:${resourceServer.address().port}/mcp`;
const jwks = jose.createRemoteJWKSet(new URL(discovery.jwks_uri));
const verify = (token, audience = resource) => jose.jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });

const client = memoryOAuthClient('harness self-test');
expect(await auth(client, { serverUrl: resource }) === 'REDIRECT', 'the SDK asks for the user\'s authorization', client.memory);
const asked = client.memory.authorizationUrl;
expect(client.memory.client?.client_id && client.memory.client.client_id !== 'aurite-e2e', 'the SDK registered itself (DCR)', client.memory.client);
expect(asked.searchParams.get('resource') === resource && asked.searchParams.get('code_challenge_method') === 'S256',
  'the authorization request has the resource indicator and PKCE', asked.href);

let wrong;
try {
  await signIn(asked, { login: 'alice', password: 'bob-password' });
} catch (error) {
  wrong = error.message;
}
expect(wrong?.includes('(401)') && wrong.includes('Wrong login or password'), 'a wrong password is refused on the login page', wrong);

const back = await signIn(asked, { login: 'alice', password: 'alice-password' });
expect(back.searchParams.get('code') && back.searchParams.get('iss') === issuer && back.searchParams.get('state') === client.memory.state, 'the signed-in user is sent back with a code and the state', back.href);
expect(await auth(client, { serverUrl: resource, authorizationCode: back.searchParams.get('code') }) === 'AUTHORIZED',
  'the SDK exchanges the code', client.memory.tokens);
const { payload, protectedHeader } = await verify(client.memory.tokens.access_token);
expect(protectedHeader.alg === 'ES256' && payload.sub === 'alice' && payload.email === 'alice@example.test'
  && payload.preferred_username === 'alice' && payload.groups?.[0] === 'analysts' && payload.scope.split(' ').includes('mcp:tools'),
  'the access token is a JWT for the resource with alice\'s claims and mcp:tools', { protectedHeader, payload });

const denied = await signIn((await (async () => {
  const other = memoryOAuthClient('harness self-test');
  await auth(other, { serverUrl: resource });
  return other.memory.authorizationUrl;
})()), { login: 'bob', password: 'bob-password', allow: false });
expect(denied.searchParams.get('error') === 'access_denied', 'a denied consent comes back as access_denied', denied.href);

const bob = (await verify(await userToken(issuer, 'bob', resource))).payload;
expect(bob.sub === 'bob' && bob.groups[0] === 'support' && bob.scope === 'mcp:tools', 'client_credentials tokens stand for their user', bob);

const expired = await mintToken(issuer, { sub: 'alice', aud: resource, scope: 'mcp:tools' }, { expiresIn: -120 });
const expiredError = await verify(expired).then(() => 'accepted', (error) => error.code);
expect(expiredError === 'ERR_JWT_EXPIRED', 'a minted expired token has a good signature and is expired', expiredError);
const minted = (await verify(await mintToken(issuer, { sub: 'carol', aud: resource }))).payload;
expect(minted.sub === 'carol', 'a minted token verifies with the provider\'s keys', minted);

let offLoopback;
try {
  await userToken(issuer, 'alice', 'https://example.com/mcp');
} catch (error) {
  offLoopback = error.message;
}
expect(offLoopback?.includes('invalid_target'), 'a resource off loopback gets no token', offLoopback);

// The conformance suite's authorization-server scenarios (conformance
// 0.2.0-alpha.12 `authorization`: metadata, then a code grant whose
// authorization URL it prints for a user, whom signIn plays).
const callbackPort = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const suite = spawn(process.execPath, [fileURLToPath(new URL('../../node/node_modules/conformance-next/dist/index.js', import.meta.url)),
  'authorization', '--url', issuer, '--client-id', 'aurite-e2e', '--resource', resource, '--port', String(callbackPort)]);
let suiteOutput = '';
let played = false;
suite.stderr.on('data', (chunk) => { suiteOutput += chunk; });
suite.stdout.on('data', async (chunk) => {
  suiteOutput += chunk;
  const link = /^(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m.exec(suiteOutput)?.[1];
  if (!link || played) return;
  played = true;
  const callback = await signIn(link, { login: 'carol', password: 'carol-password' });
  await fetch(callback).then((r) => r.text(), () => '');
});
const suiteCode = await new Promise((resolve) => suite.on('exit', resolve));
const results = /Total: (\d+) passed, (\d+) failed/.exec(suiteOutput);
expect(suiteCode === 0 && played && Number(results?.[1]) >= 2 && results[2] === '0',
  'the conformance suite\'s authorization-server scenarios pass', suiteOutput);

resourceServer.close();
child.kill('SIGTERM');
