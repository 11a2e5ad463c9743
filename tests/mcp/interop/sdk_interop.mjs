// Interop check: the official TypeScript SDK clients list and call the tools
// of our conformance fixture, over stdio and over Streamable HTTP.
//
//   node sdk_interop.mjs <aurite-conformance-server binary> <http url> [2026]
//
// Without "2026" it runs @modelcontextprotocol/sdk (v1) over stdio and HTTP
// and @modelcontextprotocol/client (v2) in 'auto' mode over both. With "2026"
// it runs v2 pinned to protocol revision 2026-07-28 (stateless) over stdio and
// HTTP. The v1 runs also call slow_compute as a 2025-11-25 task through the
// SDK's experimental task client (task created, polled, result read).
// Exits non-zero on the first failure.
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';

const [fixture, url, era] = process.argv.slice(2);
const EXPECTED = 'This is a simple text response for testing.';

// A 2025-11-25 task: the stream must announce the task and end with its result.
async function exerciseTask(name, client) {
  const seen = [];
  let text;
  const params = { name: 'slow_compute', arguments: { seconds: 0.2, label: 'interop' } };
  for await (const message of client.experimental.tasks.callToolStream(params, undefined, { task: { ttl: 60000 } })) {
    seen.push(message.type);
    if (message.type === 'error') throw new Error(`${name}: task failed ${JSON.stringify(message.error)}`);
    if (message.type === 'result') text = message.result.content?.[0]?.text;
  }
  if (seen[0] !== 'taskCreated' || text !== 'Computed interop') {
    throw new Error(`${name}: unexpected task stream ${seen.join(',')} ending in ${JSON.stringify(text)}`);
  }
}

async function exercise(name, client, transport) {
  await client.connect(transport);
  const { tools } = await client.listTools();
  if (!tools.some((t) => t.name === 'test_simple_text')) throw new Error(`${name}: test_simple_text not listed`);
  const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
  const text = result.content?.[0]?.text;
  if (text !== EXPECTED) throw new Error(`${name}: unexpected tool result ${JSON.stringify(result)}`);
  if (name.startsWith('sdk v1')) await exerciseTask(name, client);
  await client.close();
  console.log(`ok   ${name} (${tools.length} tools)`);
}

const info = { name: 'aurite-interop', version: '1.0.0' };
const runs =
  era === '2026'
    ? [
        ['sdk v2 pinned 2026-07-28 over stdio', () =>
          [new ClientV2(info, { versionNegotiation: { mode: { pin: '2026-07-28' } } }),
            new StdioV2({ command: fixture, args: [] })]],
        ['sdk v2 pinned 2026-07-28 over http', () =>
          [new ClientV2(info, { versionNegotiation: { mode: { pin: '2026-07-28' } } }), new HttpV2(new URL(url))]],
      ]
    : [
        ['sdk v1 over stdio', () => [new ClientV1(info), new StdioV1({ command: fixture, args: [] })]],
        ['sdk v1 over http', () => [new ClientV1(info), new HttpV1(new URL(url))]],
        ['sdk v2 auto over stdio', () =>
          [new ClientV2(info, { versionNegotiation: { mode: 'auto' } }), new StdioV2({ command: fixture, args: [] })]],
        ['sdk v2 auto over http', () =>
          [new ClientV2(info, { versionNegotiation: { mode: 'auto' } }), new HttpV2(new URL(url))]],
      ];

for (const [name, make] of runs) {
  try {
    const [client, transport] = make();
    await exercise(name, client, transport);
  } catch (error) {
    console.error(`FAIL ${name}: ${error?.stack ?? error}`);
    process.exit(1);
  }
}
