// The official MCP TypeScript SDK's client, as the reference Hearth's client
// is compared with: lists every tool (all pages) and makes the given calls,
// printing what it saw as one JSON object.
//
//   node mcp_sdk_client.mjs '{"transport": "stdio", "command": "node", "args": [...],
//                             "calls": [{"name": "echo", "arguments": {"message": "hi"}}]}'
//   node mcp_sdk_client.mjs '{"transport": "http", "url": "http://127.0.0.1:PORT/mcp", "calls": [...]}'
//
// Output: {"tools": [names], "calls": [CallToolResult | {"error": message}]}
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const spec = JSON.parse(process.argv[2]);
const transport = spec.transport === 'http'
    ? new StreamableHTTPClientTransport(new URL(spec.url))
    : new StdioClientTransport({ command: spec.command, args: spec.args ?? [], stderr: 'ignore' });
const client = new Client({ name: 'hearth-reference', version: '1.0.0' });
await client.connect(transport);

const tools = [];
let cursor;
do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools.map(t => t.name));
    cursor = page.nextCursor;
} while (cursor);

const calls = [];
for (const call of spec.calls ?? []) {
    try {
        calls.push(await client.callTool({ name: call.name, arguments: call.arguments ?? {} }));
    } catch (e) {
        calls.push({ error: String(e?.message ?? e) });
    }
}
process.stdout.write(JSON.stringify({ tools, calls }) + '\n');
if (transport.terminateSession) await transport.terminateSession().catch(() => {});
await client.close();
