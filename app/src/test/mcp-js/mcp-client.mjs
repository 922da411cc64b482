// Runs a plan of tool calls through the official MCP client and prints what came back as JSON.
// usage: node mcp-client.mjs http URL [TOKEN] < plan.json
//        node mcp-client.mjs stdio COMMAND [ARGS...] < plan.json
// plan: [{"name": "...", "arguments": {...}, "pages": true}]; with "pages", the call is repeated with
// the cursor each answer names ("more: call again with cursor X") until the last page.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [mode, target, ...rest] = process.argv.slice(2);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const plan = JSON.parse(input || '[]');

let transport;
if (mode === 'http') {
  const token = rest[0];
  transport = new StreamableHTTPClientTransport(new URL(target),
    token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {});
} else if (mode === 'stdio') {
  transport = new StdioClientTransport({ command: target, args: rest, stderr: 'inherit' });
} else {
  throw new Error(`mode must be http or stdio, got ${mode}`);
}

const client = new Client({ name: 'tta-obs-mcp-it', version: '1.0.0' });
const out = { results: [] };
try {
  await client.connect(transport);
  out.server = client.getServerVersion();
  out.instructions = client.getInstructions() ?? null;
  out.tools = (await client.listTools()).tools;
  if (client.getServerCapabilities()?.resources) {
    out.resources = (await client.listResources()).resources;
    out.prices = (await client.readResource({ uri: 'tta-obs://prices' })).contents.map(c => c.text).join('');
  }
  for (const step of plan) {
    const pages = [];
    let args = { ...(step.arguments ?? {}) };
    for (let i = 0; i < 1000; i++) {
      const r = await client.callTool({ name: step.name, arguments: args });
      const text = (r.content ?? []).filter(c => c.type === 'text').map(c => c.text).join('');
      pages.push({ isError: r.isError === true, text, structured: r.structuredContent ?? null });
      const more = /more: call again with cursor (\S+)/.exec(text);
      if (!step.pages || !more) break;
      args = { ...args, cursor: more[1] };
    }
    out.results.push({ name: step.name, pages });
  }
} catch (e) {
  out.error = String(e && e.message ? e.message : e);
} finally {
  await client.close().catch(() => {});
}
process.stdout.write(JSON.stringify(out));
