// A real OpenID Connect provider for the tests (issue 19): the pinned
// `oidc-provider` of tests/node on 127.0.0.1, issuing JWT access tokens
// (RFC 9068, typ at+jwt) for any loopback resource indicator (RFC 8707), so a
// gateway started after it on a free port can be the token's audience.
//
//   node provider.mjs [--port N] [--alg ES256|RS256] [--ttl SECONDS] [--default-scope S]
//
// Prints "oidc provider ready at <issuer>" on stdout once it serves, then runs
// until SIGTERM or SIGINT. What it offers:
// - users (users.mjs) signing in with their known passwords on a plain HTML
//   form at /interaction/<uid>, then a consent form; login.mjs completes both
//   headlessly with form posts;
// - the public client "aurite-e2e" (PKCE, redirect URIs on loopback) and
//   dynamic client registration (RFC 7591) for clients that register
//   themselves, as the MCP SDKs do without a client id;
// - resource scopes mcp:tools, mcp:read, mcp:write (mcp:tools when an
//   authorization request names none); access tokens carry sub, email,
//   preferred_username and groups of the signed-in user;
// - client_credentials clients "cc-<user>" (secret "<user>-cc-secret") whose
//   tokens stand for that user: a token in one POST, no browser;
// - POST /test/mint: signs any claims with the provider's own key, for the
//   cases a real provider never issues (expired, not yet valid, another
//   audience or issuer). Harness only: it makes this provider untrustworthy.
//
// Keys (ES256 for access tokens by default, RS256 for ID tokens) are made at
// start and published at the discovery document's jwks_uri.
import { createServer } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { importPinned } from './pinned.mjs';
import { users, userOfClient, ccClients } from './users.mjs';

const { default: Provider, errors } = await importPinned('oidc-provider');
const jose = await importPinned('jose');

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    alg: { type: 'string', default: 'ES256' },
    ttl: { type: 'string', default: '600' },
    'default-scope': { type: 'string', default: 'mcp:tools' },
  },
});
if (!['ES256', 'RS256'].includes(options.alg)) throw new Error(`--alg must be ES256 or RS256, not ${options.alg}`);

const RESOURCE_SCOPES = 'mcp:tools mcp:read mcp:write';

async function signingKey(alg) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}` };
}
const accessKey = await signingKey(options.alg);
const keys = options.alg === 'RS256' ? [accessKey] : [await signingKey('RS256'), accessKey];

// A resource indicator the provider issues tokens for: an absolute http(s)
// URL on loopback (the gateways of the tests), without a fragment.
function isLoopbackResource(indicator) {
  try {
    const url = new URL(indicator);
    return ['http:', 'https:'].includes(url.protocol) && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && !url.hash;
  } catch {
    return false;
  }
}

const server = createServer();
await new Promise((resolve) => server.listen(Number(options.port), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks: { keys },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  findAccount: (_ctx, id) => {
    const user = users.get(id);
    return user && { accountId: id, claims: () => ({ sub: id, ...user.claims }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  // The resource scopes too: clients registering themselves name them in
  // their metadata's scope, which must be among these.
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups', ...RESOURCE_SCOPES.split(' ')],
  clients: [
    {
      client_id: 'aurite-e2e',
      token_endpoint_auth_method: 'none',
      application_type: 'native', // loopback redirects on any port (RFC 8252)
      redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    // The gateway's connection entry page (gateway.auth.entry_page): signs
    // the browser in to check it is the user whose client asked.
    {
      client_id: 'aurite-entry-page',
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/connect/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
    ...ccClients.map(([id, secret]) => ({
      client_id: id,
      client_secret: secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
  ],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (!isLoopbackResource(indicator)) throw new errors.InvalidTarget('only loopback resources here');
        return {
          scope: RESOURCE_SCOPES,
          audience: indicator,
          accessTokenTTL: Number(options.ttl),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: options.alg, kid: accessKey.kid } },
        };
      },
    },
  },
  formats: {
    customizers: {
      // The user's claims in the access token, where a resource server reads them.
      jwt: (_ctx, token, jwt) => {
        const id = token.accountId ?? userOfClient(token.clientId);
        const user = id && users.get(id);
        if (!user) return;
        const { email, preferred_username: name, groups } = user.claims;
        Object.assign(jwt.payload, { sub: id, email, preferred_username: name, groups });
      },
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AccessToken: Number(options.ttl), Session: 600, Interaction: 600, Grant: 600 },
});

const page = (title, body, status = 200) => ({
  status,
  html: `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`,
});
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16384) throw new Error('form too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
const readForm = async (req) => new URLSearchParams(await readBody(req));

// The sign-in and consent pages: GET shows the form the prompt needs,
// POST .../login checks the password, POST .../confirm grants what was asked.
async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page('Unknown interaction', '', 400);
  const { prompt, params, session } = details;
  const loginForm = (error) => page('Sign in', `${error ? `<p class="error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>`, error ? 401 : 200);

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') return loginForm();
    const asked = Object.entries(prompt.details.missingResourceScopes ?? {}).map(([r, s]) => `${escape(r)}: ${escape(s.join(' '))}`);
    return page('Authorize', `<p>${escape(params.client_id)} asks for ${asked.join('; ') || escape(params.scope ?? '')}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<a href="/interaction/${uid}/abort">Deny</a>`);
  }
  if (req.method === 'GET' && action === 'abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user denied the request' });
    return null;
  }
  if (req.method === 'POST' && action === 'login' && prompt.name === 'login') {
    const form = await readForm(req);
    const user = users.get(form.get('login') ?? '');
    if (!user || user.password !== form.get('password')) return loginForm('Wrong login or password.');
    await provider.interactionFinished(req, res, { login: { accountId: form.get('login') } }, { mergeWithLastSubmission: false });
    return null;
  }
  if (req.method === 'POST' && action === 'confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return null;
  }
  return page('Not this way', `<p>${escape(req.method)} ${escape(action ?? '')} does not answer the ${escape(prompt.name)} prompt.</p>`, 400);
}

// POST /test/mint {claims, expiresIn?, kid?}: a JWT access token signed with
// the provider's key; iss, iat, exp and jti are filled unless given.
async function mint(req) {
  const body = JSON.parse((await readBody(req)) || '{}');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer, iat: now, exp: now + (body.expiresIn ?? 300), jti: randomUUID(), ...body.claims };
  const key = await jose.importJWK(accessKey, accessKey.alg);
  return new jose.SignJWT(claims).setProtectedHeader({ alg: accessKey.alg, typ: 'at+jwt', kid: body.kid ?? accessKey.kid }).sign(key);
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(url.pathname);
  try {
    if (match) {
      const answer = await interaction(req, res, match[1], match[2]);
      if (answer) res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(answer.html);
      return;
    }
    if (url.pathname === '/test/mint' && req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'application/jwt' }).end(await mint(req));
      return;
    }
  } catch (error) {
    if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' }).end(`${error.name}: ${error.message}\n`);
    return;
  }
  // RFC 6749 §3.3: a request without scope gets the default one (this
  // provider grants nothing otherwise), as clients do that know of none.
  if (url.pathname === '/auth' && req.method === 'GET' && !url.searchParams.has('scope')) {
    url.searchParams.set('scope', options['default-scope']);
    req.url = `${url.pathname}${url.search}`;
  }
  callback(req, res);
});

provider.on('server_error', (_ctx, error) => console.error('oidc provider error:', error));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)) && server.closeAllConnections());
console.log(`oidc provider ready at ${issuer}`);
