// End-to-end URL-mode elicitation (issue 18): the official TypeScript SDK
// client, declaring elicitation.url, asks `aurite serve` for a database
// connection; when the elicitation arrives, headless Chromium (driven by
// playwright-core) opens the entry page, types the PostgreSQL connection
// string of the aurite_databases fixture (its password is the canary) and
// submits; the tool call returns a connection that queries PostgreSQL.
// Then the abuse cases: wrong code, missing CSRF token, foreign Origin,
// reused link, declined elicitation, expired link, a client without URL
// elicitation, and the 2026-07-28 era's input_required round trip (HTTP).
//
//   node sdk_elicitation.mjs stdio <aurite> <aurite.json> <artifact dir>
//   AURITE_GATEWAY_TOKEN=... node sdk_elicitation.mjs http <gateway url> <artifact dir>
//
// Needs AURITE_TEST_DATABASES and, for stdio, AURITE_MCP_ENCRYPTION_KEY.
// Writes entry-page-<transport>.png into the artifact dir and the page
// answers it saw into pages-<transport>.txt (the runner greps them).
// Exits non-zero on the first failed expectation.
import { execFileSync } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, ElicitationCompleteNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { chromium } from 'playwright-core';

const [transport, ...rest] = process.argv.slice(2);
const artifacts = rest[rest.length - 1];
const postgres = JSON.parse(readFileSync(process.env.AURITE_TEST_DATABASES, 'utf8')).postgres;
const canary = postgres.password;
const received = []; // everything the client got from the gateway
const pages = []; // every page answer the browser or fetch got

function expect(condition, what, detail) {
  if (!condition) {
    console.error(`FAIL [${transport}] ${what}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok   [${transport}] ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

function makeTransport(bearer) {
  if (transport === 'stdio') {
    const [aurite, config] = rest;
    return new StdioClientTransport({
      command: aurite,
      args: ['serve', '--config', config],
      env: { ...process.env },
      stderr: openSync(`${artifacts}/host.log`, 'a'),
    });
  }
  const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  return new StreamableHTTPClientTransport(new URL(rest[0]), { requestInit: { headers } });
}

// What the elicitation handler does with the next elicitation.
let plan = 'fill';
const elicitations = [];
const completed = [];
let pageTask = Promise.resolve();

const client = new Client(
  { name: 'aurite-e2e', version: '1.0.0', title: 'Aurite e2e client' },
  { capabilities: { elicitation: { url: {} } } },
);
client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
  received.push(JSON.stringify(n));
  completed.push(n.params.elicitationId);
});
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  received.push(JSON.stringify(request));
  const params = request.params;
  elicitations.push(params);
  if (plan === 'decline') return { action: 'decline' };
  const code = /code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(params.message)?.[1];
  if (plan === 'fill') pageTask = fillPage(params.url, code, true);
  if (plan === 'abuse') pageTask = abuseThenFill(params.url, code);
  return { action: 'accept' }; // the user consented to open the URL
});
await client.connect(makeTransport(process.env.AURITE_GATEWAY_TOKEN));

// The argv of every process of this test: the runner (AURITE_E2E_RUNNER,
// else our parent) and all it started, the gateway and its servers too.
function ownProcessArgs() {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(line))
    .filter(Boolean)
    .map(([, pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args }));
  const ours = new Set([Number(process.env.AURITE_E2E_RUNNER || process.ppid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) {
      if (ours.has(p.ppid) && !ours.has(p.pid)) {
        ours.add(p.pid);
        grew = true;
      }
    }
  }
  return table.filter((p) => ours.has(p.pid)).map((p) => p.args).join('\n');
}

async function call(name, args, c = client) {
  const result = await c.callTool({ name, arguments: args });
  received.push(JSON.stringify(result));
  return result;
}

// The user: opens the link, types the code and the connection string, submits.
async function fillPage(url, code, screenshot) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const opened = await page.goto(url);
  pages.push(await opened.text());
  await page.fill('#code', code);
  await page.fill('#connection_string', postgres.uri);
  if (screenshot) await page.screenshot({ path: `${artifacts}/entry-page-${transport}.png`, fullPage: true });
  const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const text = await answer.text();
  pages.push(text);
  await context.close();
  return { status: answer.status(), text };
}

async function csrfOf(url) {
  const html = await (await fetch(url)).text();
  pages.push(html);
  return /name="csrf" value="([0-9a-f]+)"/.exec(html)?.[1];
}

async function post(url, fields, origin) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (origin !== undefined) headers.origin = origin;
  const answer = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  const text = await answer.text();
  pages.push(text);
  return { status: answer.status, text };
}

// An attacker's and a clumsy user's tries first; none may change anything.
async function abuseThenFill(url, code) {
  const own = new URL(url).origin;
  const csrf = await csrfOf(url);
  const fields = { csrf, code, connection_string: postgres.uri };
  const wrong = await post(url, { ...fields, code: 'ZZZZ-2222' }, own);
  expect(wrong.status === 403 && wrong.text.includes('confirmation code is wrong'), 'a wrong code is refused', wrong.status);
  const noCsrf = await post(url, { code, connection_string: postgres.uri }, own);
  expect(noCsrf.status === 403 && noCsrf.text.includes('security token'), 'a missing CSRF token is refused', noCsrf.status);
  const foreign = await post(url, fields, 'https://attacker.example');
  expect(foreign.status === 403 && foreign.text.includes('another site'), 'a foreign Origin is refused', foreign.status);
  return fillPage(url, code, false);
}

const { tools } = await client.listTools();
expect(tools.some((t) => t.name === 'request_database_connection'), 'request_database_connection is listed', tools.map((t) => t.name));

// A bad storage type is refused before anyone is asked.
const badType = await call('request_database_connection', { storage_type: 'oracle' });
expect(badType.isError && JSON.stringify(badType).includes('storage_type') && elicitations.length === 0,
  'a bad storage_type is refused without asking the user', badType);

// The happy path.
plan = 'fill';
const connected = await call('request_database_connection', { storage_type: 'postgresql', description: 'the e2e sales reports' });
const submitted = await pageTask;
if (submitted.status !== 200) console.error(submitted.text);
expect(submitted.status === 200 && submitted.text.includes('Connection saved'), 'the page saves the connection', submitted.status);
expect(!connected.isError && connected.structuredContent?.connection_id, 'the tool call returns a connection', connected);
expect(connected.structuredContent.masked_connection_string.includes('****'), 'the result has the masked string', connected.structuredContent);
const elicited = elicitations[0];
expect(elicited.mode === 'url' && elicited.elicitationId && elicited.url.includes('/connect/'), 'the elicitation is URL mode with an id', elicited);
const code = /code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(elicited.message)[1];
expect(!elicited.url.includes(code.replace('-', '')) && !elicited.url.includes(code), 'the URL does not carry the confirmation code', elicited.url);
expect(elicited.message.includes('Aurite e2e client') && elicited.message.includes('the e2e sales reports'), 'the message says who asks and why', elicited.message);
expect(completed.includes(elicited.elicitationId), 'notifications/elicitation/complete names the elicitation', completed);
const rows = await call('query_storage', { connection_id: connected.structuredContent.connection_id, query: "SELECT 'pg' || 'ok' AS answer" });
expect(!rows.isError && JSON.stringify(rows.structuredContent).includes('pgok'), 'the connection queries PostgreSQL', rows);
// Only this test's own processes (the gateway, its servers): a test running
// beside it may pass the shared fixture's password on a command line.
const psOutput = ownProcessArgs();
expect(psOutput.length > 0 && !psOutput.includes(canary), 'the canary is in no process argv', psOutput.length);

// A page that is no more: 404, or over stdio no listener at all once
// nothing is pending (status 0).
async function gone(url, says) {
  try {
    const answer = await fetch(url);
    const text = await answer.text();
    pages.push(text);
    return answer.status === 404 && text.includes(says);
  } catch (error) {
    return transport === 'stdio' && error.cause?.code === 'ECONNREFUSED';
  }
}

// The link works once.
expect(await gone(elicited.url, 'already used'), 'a reused link is refused', elicited.url);

// Abuse on a fresh request, then connect_storage without a connection string.
plan = 'abuse';
const viaConnect = await call('connect_storage', { storage_type: 'postgresql' });
await pageTask;
expect(!viaConnect.isError && viaConnect.structuredContent?.connection_id, 'connect_storage with neither string nor name asks the user, and survives the abuse', viaConnect);

// Declined.
plan = 'decline';
const declined = await call('request_database_connection', { storage_type: 'postgresql' });
expect(declined.isError && JSON.stringify(declined).includes('declined'), 'a declined elicitation is a clear tool error', declined);
expect(await gone(elicitations[elicitations.length - 1].url, 'cancelled'), 'the declined request has no page', '');

if (transport === 'stdio') {
  // This gateway's links live 6 seconds (gateway.connection_entry_seconds).
  plan = 'ignore';
  const expired = await call('request_database_connection', { storage_type: 'postgresql' });
  expect(expired.isError && JSON.stringify(expired).includes('expired'), 'an expired link is a clear tool error', expired);
  // Nothing is pending: the loopback listener closes (after 2 s of grace).
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const closed = await fetch(elicitations[elicitations.length - 1].url).then(() => false, (e) => e.cause?.code === 'ECONNREFUSED');
  expect(closed, 'the stdio side listener is closed once nothing is pending', '');
}

if (transport === 'http') {
  // A client without URL elicitation is told what to do instead.
  const formOnly = new Client({ name: 'form-only', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
  let formElicited = false;
  formOnly.setRequestHandler(ElicitRequestSchema, async () => {
    formElicited = true;
    return { action: 'decline' };
  });
  await formOnly.connect(makeTransport(process.env.AURITE_GATEWAY_TOKEN));
  const refused = await call('request_database_connection', { storage_type: 'postgresql' }, formOnly);
  const text = JSON.stringify(refused);
  expect(refused.isError && text.includes('aurite.json') && text.includes('aurite secure') && !formElicited,
    'a client without URL elicitation gets a tool error naming the alternatives, and no form', refused);
  await formOnly.close();

  // The 2026-07-28 era: input_required with a URL request and a sealed requestState.
  const modern = async (params, id) => {
    const body = {
      jsonrpc: '2.0', id, method: 'tools/call',
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': { elicitation: { url: {} } },
          'io.modelcontextprotocol/clientInfo': { name: 'modern-e2e', version: '1.0.0' },
        },
      },
    };
    const answer = await fetch(rest[0], {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/json, text/event-stream',
        authorization: `Bearer ${process.env.AURITE_GATEWAY_TOKEN}`,
        'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': params.name,
      },
      body: JSON.stringify(body),
    });
    const text = await answer.text();
    received.push(text);
    const data = text.startsWith('{') ? text : text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).pop();
    return JSON.parse(data);
  };
  const args = { name: 'request_database_connection', arguments: { storage_type: 'postgresql', description: 'modern era' } };
  const first = await modern(args, 1);
  const input = first.result?.inputRequests?.connection_entry;
  expect(first.result?.resultType === 'input_required' && input?.params?.mode === 'url' && first.result.requestState,
    '2026-07-28: input_required with a URL request and a requestState', first);
  const modernCode = /code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(input.params.message)[1];
  const filled = fillPage(input.params.url, modernCode, false);
  const retried = await modern({ ...args, inputResponses: { connection_entry: { action: 'accept' } }, requestState: first.result.requestState }, 2);
  await filled;
  expect(retried.result?.structuredContent?.connection_id && !retried.result.isError, '2026-07-28: the retry returns the connection', retried);
  const forged = await modern({ ...args, inputResponses: { connection_entry: { action: 'accept' } }, requestState: first.result.requestState.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, 3);
  expect(forged.error?.code === -32602, '2026-07-28: a forged requestState is refused', forged);
  const second = await modern(args, 4);
  const declinedModern = await modern({ ...args, inputResponses: { connection_entry: { action: 'decline' } }, requestState: second.result.requestState }, 5);
  expect(declinedModern.result?.isError && JSON.stringify(declinedModern).includes('declined'), '2026-07-28: a declined request is a clear tool error', declinedModern);
}

// The canary, in every form a leak could take, is in nothing the client or the browser got.
const encoded = encodeURIComponent(canary);
const everything = received.join('\n');
const pageText = pages.join('\n');
for (const form of [canary, encoded, JSON.stringify(canary).slice(1, -1)]) {
  expect(!everything.includes(form), 'the canary is in nothing the client received', form.length);
  expect(!pageText.includes(form), 'the canary is in no page answer', form.length);
}
writeFileSync(`${artifacts}/pages-${transport}.txt`, pageText);

await client.close();
await browser.close();
