// A third-party MCP client (the official TypeScript SDK) against
// `kosmo mcp serve --fake`: list the tools, call openai_list_models.
// Usage: node client.mjs PATH/TO/kosmo
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const kosmo = process.argv[2];
assert.ok(kosmo, "usage: node client.mjs PATH/TO/kosmo");

const transport = new StdioClientTransport({ command: kosmo, args: ["mcp", "serve", "--fake", "--allow-write"] });
const client = new Client({ name: "kosmo-ci-client", version: "1.0.0" });
await client.connect(transport);

const { tools } = await client.listTools();
const names = tools.map((t) => t.name).sort();
assert.equal(names.length, 15, `15 tools, got ${names.join(", ")}`);
const models = tools.find((t) => t.name === "openai_list_models");
assert.equal(models.annotations.readOnlyHint, true);
const speech = tools.find((t) => t.name === "openai_text_to_speech");
assert.equal(speech.annotations.readOnlyHint, false);
assert.deepEqual(speech.inputSchema.required, ["model", "input", "voice"]);

const result = await client.callTool({ name: "openai_list_models", arguments: {} });
assert.ok(!result.isError, JSON.stringify(result));
const list = JSON.parse(result.content[0].text);
assert.equal(list.object, "list");
assert.ok(list.data.length > 3, "a realistic model list");
assert.equal(result.structuredContent.object, "list");

const bad = await client.callTool({ name: "openai_text_to_speech", arguments: { model: "tts-1", input: "hi", voice: "robot" } });
assert.equal(bad.isError, true);
assert.match(bad.content[0].text, /parameter 'voice'/);

await client.close();
console.log(`typescript MCP client: ${names.length} tools listed, openai_list_models returned ${list.data.length} models, validation errors reported`);
