// URL-mode elicitation on a gateway with OAuth (issues 18 and 19): the
// entry page must make sure the person who opens the link is the user whose
// session asked, as the MCP specification requires (elicitation.mdx,
// "Phishing"). alice's client (the official TypeScript SDK, with a token
// from the OpenID provider harness) asks for a connection; headless
// Chromium opens the link and is sent to the provider to sign in:
//  - bob signs in on alice's link: refused, the request is cancelled, and
//    alice's tool call says so; nothing is saved;
//  - alice signs in on her own link: the form appears, she enters the
//    PostgreSQL connection string (its password is the canary), and the
//    connection queries PostgreSQL.
// Also: the page sends a browser without its sign-in cookie to the issuer
// with PKCE; a callback with a made-up state is refused.
//
//   node sdk_elicitation_oauth.mjs <gateway url> <issuer> <artifact dir>
//
// Needs AURITE_TEST_DATABASES. Writes the tokens it used to tokens.txt and
// the page answers to pages.txt for the runner's checks, and a screenshot
// of the form after sign-in. Exits non-zero on the first failed expectation.
import { readFileSync, writeFileSync } from 'node:fs';
import { importPinned } from '../harness/oidc/pinned.mjs';
import { expect } from './expect.mjs';
import { userToken } from '../harness/oidc/login.mjs';

const { Client } = await importPinned('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await importPinned('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { ElicitRequestSchema } = await importPinned('@modelcontextprotocol/sdk/types.js');
const playwright = await importPinned('playwright-core');
const { chromium } = playwright.default ?? playwright; // a CommonJS package

const [url, issuer, artifacts] = process.argv.slice(2);
const postgres = JSON.parse(readFileSync(process.env.AURITE_TEST_DATABASES, 'utf8')).postgres;
const received = [];
const pages = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

// In a browser of its own, `user` opens the link and signs in at the
// provider (login, then consent); returns the page the gateway then shows.
async function signInOnLink(link, user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  expect(page.url().startsWith(issuer), `${user}'s browser is sent to the provider to sign in`, page.url());
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', `${user}-password`);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (page.url().startsWith(issuer)) {
    // The consent page for the entry page's client.
    await Promise.all([page.waitForNavigation({ url: (u) => !u.href.startsWith(issuer) }), page.click('button[type=submit]')]);
  }
  pages.push(await page.content());
  return { context, page };
}

// The elicitation handler: accept at once, and let `plan` drive the browser.
let plan = async () => {};
let pageTask = Promise.resolve();
const elicitations = [];
const token = await userToken(issuer, 'alice', url);
const client = new Client({ name: 'aurite-e2e-oauth', version: '1.0.0' }, { capabilities: { elicitation: { url: {} } } });
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  received.push(JSON.stringify(request));
  elicitations.push(request.params);
  const code = /code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(request.params.message)?.[1];
  pageTask = plan(request.params.url, code);
  return { action: 'accept' };
});
await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  received.push(JSON.stringify(result));
  return result;
}

// bob gets alice's link (forwarded, phished) and signs in as himself.
let bobPage;
plan = async (link) => {
  const { context, page } = await signInOnLink(link, 'bob');
  bobPage = { url: page.url(), text: await page.content() };
  await context.close();
};
const phished = await call('request_database_connection', { storage_type: 'postgresql', description: 'phishing check' });
await pageTask;
expect(/different user/.test(bobPage.text) && !/name="connection_string"/.test(bobPage.text),
  'bob signing in on alice\'s link gets no form, and is told why', bobPage);
expect(phished.isError && /cancel/.test(JSON.stringify(phished)), 'alice\'s call ends with the request cancelled', phished);

// Without the sign-in cookie, the page sends the browser to the issuer with PKCE.
let linkReady;
const linked = new Promise((resolve) => { linkReady = resolve; });
plan = async (l) => linkReady(l);
const abort = new AbortController();
const waiting = client.callTool({ name: 'request_database_connection', arguments: { storage_type: 'postgresql' } }, undefined,
  { signal: abort.signal }).catch((error) => error);
const link = await linked;
const bare = await fetch(link, { redirect: 'manual' });
const location = bare.headers.get('location') ?? '';
const asked = location ? new URL(location) : null;
expect(bare.status === 303 && asked?.origin === new URL(issuer).origin && asked.searchParams.get('client_id') === 'aurite-entry-page'
  && asked.searchParams.get('code_challenge_method') === 'S256' && asked.searchParams.get('redirect_uri')?.endsWith('/connect/callback')
  && asked.searchParams.get('state')?.length >= 32 && !location.includes(link.split('/connect/')[1]),
  'a browser without the sign-in is sent to the issuer (PKCE, state, no entry id in the URL)', location);
const forged = await fetch(new URL('/connect/callback?code=made-up&state=0123456789abcdef0123456789abcdef', url));
const forgedText = await forged.text();
pages.push(forgedText);
expect(forged.status === 403 && /unknown, used or expired/.test(forgedText), 'a callback with a made-up state is refused', forged.status);
const posted = await fetch(link, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin },
  body: new URLSearchParams({ csrf: 'x', code: 'ABCD-EFGH', connection_string: postgres.uri }).toString(),
});
const postedText = await posted.text();
pages.push(postedText);
expect(posted.status === 403 && /sign in first/.test(postedText), 'a form posted without signing in is refused', posted.status);

// alice, on her own link: the form, then a working connection.
let saved;
plan = async (l, code) => {
  const { context, page } = await signInOnLink(l, 'alice');
  expect(await page.isVisible('#connection_string'), 'alice, signed in, gets the form', page.url());
  await page.fill('#code', code);
  await page.fill('#connection_string', postgres.uri);
  await page.screenshot({ path: `${artifacts}/entry-page-oauth.png`, fullPage: true });
  const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  saved = { status: answer.status(), text: await answer.text() };
  pages.push(saved.text);
  await context.close();
};
abort.abort(); // the client cancels the call: its request ends
await waiting;

const connected = await call('request_database_connection', { storage_type: 'postgresql', description: 'alice signs in' });
await pageTask;
expect(saved?.status === 200 && /Connection saved/.test(saved.text), 'alice\'s page saves the connection', saved);
expect(!connected.isError && connected.structuredContent?.connection_id, 'alice\'s tool call returns the connection', connected);
const rows = await call('query_storage', { connection_id: connected.structuredContent.connection_id, query: "SELECT 'oauth' || 'ok' AS answer" });
expect(!rows.isError && JSON.stringify(rows.structuredContent).includes('oauthok'), 'the connection queries PostgreSQL', rows);

const everything = received.join('\n');
expect(!everything.includes(postgres.password), 'the canary is in nothing the client received', '');
await client.close();
await browser.close();
writeFileSync(`${artifacts}/tokens.txt`, `${token}\n`);
writeFileSync(`${artifacts}/pages.txt`, pages.join('\n'));
