// Connects the official MCP TypeScript SDK client to Offshoot over streamable HTTP, lists the
// tools and calls one, then prints one JSON line with what it saw. Usage: node client.mjs URL TOKEN TOOL
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, tool] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "offshoot-interop", version: "1.0.0" });
try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  const result = await client.callTool({ name: tool, arguments: {} });
  console.log(JSON.stringify({
    server: client.getServerVersion(),
    protocolVersion: transport.protocolVersion ?? null,
    instructions: client.getInstructions(),
    tools: tools.map((t) => ({ name: t.name, readOnly: t.annotations?.readOnlyHint ?? null })),
    call: { isError: result.isError ?? false, text: result.content?.[0]?.text ?? null },
  }));
  await transport.terminateSession();
  await client.close();
} catch (e) {
  console.log(JSON.stringify({ error: String(e) }));
  process.exitCode = 1;
}
