// A third-party MCP client (the official TypeScript SDK) against
// `kosmo mcp serve --fake`, over stdio and over Streamable HTTP: list the
// tools, read a doc page, run scripts (two functions through two accounts,
// a validation failure, an endless loop under a 1 s limit, a cancelled
// script, a refused write), call the flat tools.
// Usage: node client.mjs PATH/TO/kosmo
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const kosmo = process.argv[2];
assert.ok(kosmo, "usage: node client.mjs PATH/TO/kosmo");

// Two accounts, both pointed at the built-in fake by --fake.
const dir = mkdtempSync(join(tmpdir(), "kosmo-mcp-"));
const config = join(dir, "kosmo.yaml");
writeFileSync(config, `integrations:
  openai:
    default: main
    accounts:
      main:
        api_key: sk-main-0000
      work:
        api_key: sk-work-0000
`);
const serveArgs = ["--config", config, "mcp", "serve", "--fake", "--timeout", "60s"];
const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir };

const text = (result) => result.content[0].text;
const execute = (client, code, extra = {}, options = {}) =>
  client.callTool({ name: "execute_lua", arguments: { code, ...extra } }, undefined, options);

async function exercise(client, label) {
  const checks = [];
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  for (const name of ["execute_lua", "lua_read_doc", "lua_list_docs", "lua_search_docs", "openai_list_models"]) {
    assert.ok(names.includes(name), `${label}: ${name} listed (${names.join(", ")})`);
  }
  assert.ok(!names.includes("openai_chat_completion"), `${label}: no write tool without --allow-write`);
  const models = tools.find((t) => t.name === "openai_list_models");
  assert.equal(models.annotations.readOnlyHint, true);
  assert.deepEqual(models.inputSchema.properties.account.enum, ["main", "work"], "each account once");
  assert.deepEqual(tools.find((t) => t.name === "execute_lua").inputSchema.required, ["code"]);
  checks.push(`${names.length} tools`);

  // the reference, as inside Lua
  const doc = await client.callTool({ name: "lua_read_doc", arguments: { page: "chat_completion" } });
  assert.ok(!doc.isError, JSON.stringify(doc));
  assert.match(text(doc), /openai_chat_completion/);
  const inLua = await execute(client, `return lua_read_doc("chat_completion")`);
  assert.equal(inLua.structuredContent.result[0], text(doc), "the same text as lua_read_doc in a script");
  const found = await client.callTool({ name: "lua_search_docs", arguments: { query: "transcribe" } });
  assert.equal(JSON.parse(text(found))[0].page, "integrations.openai.openai_transcribe_audio");
  checks.push("doc page read");

  // two functions through two accounts, a table returned
  const two = await execute(client, `
local models = app.integrations.openai.openai_list_models()
local files = app.integrations.openai.work.openai_list_files()
print("models", #models.data)
return { models = #models.data, files_object = files.object }`);
  assert.ok(!two.isError, text(two));
  assert.equal(two.structuredContent.ok, true);
  assert.equal(two.structuredContent.result[0].files_object, "list");
  assert.ok(two.structuredContent.result[0].models > 3);
  assert.deepEqual(two.structuredContent.calls.map((c) => [c.function, c.account, c.status]),
    [["openai_list_models", "main", 200], ["openai_list_files", "work", 200]]);
  assert.match(two.structuredContent.output, /^models\t\d+\n$/);
  assert.match(text(two), /## calls\n1\. openai_list_models \(account main\): HTTP 200/);
  checks.push("two accounts");

  // validation fails: the error table, isError, and the output before it
  const bad = await execute(client, `print("before") return app.integrations.openai.openai_get_run({ thread_id = "thread_1" })`);
  assert.equal(bad.isError, true);
  assert.equal(bad.structuredContent.error.type, "validation_error");
  assert.equal(bad.structuredContent.error.function, "openai_get_run");
  assert.match(bad.structuredContent.error.message, /run_id/);
  assert.equal(bad.structuredContent.output, "before\n");
  checks.push("validation error");

  // an endless loop with a 1 s limit
  let start = Date.now();
  const loop = await execute(client, `while true do end`, { timeout: 1 });
  assert.equal(loop.isError, true);
  assert.equal(loop.structuredContent.error.type, "timeout");
  assert.match(text(loop), /stopped at its time limit of 1s/);
  assert.ok(Date.now() - start < 5000, `stopped after ${Date.now() - start} ms`);
  checks.push(`loop stopped in ${Date.now() - start} ms`);

  // a long script cancelled by the client
  const controller = new AbortController();
  start = Date.now();
  const long = execute(client, `while true do end`, {}, { signal: controller.signal, timeout: 30000 });
  setTimeout(() => controller.abort("enough"), 300);
  await assert.rejects(long);
  const after = await execute(client, `return "still serving"`);
  assert.deepEqual(after.structuredContent.result, ["still serving"]);
  checks.push(`cancelled after ${Date.now() - start} ms`);

  // progress while a script runs, when asked
  const progress = [];
  const withProgress = await execute(client, `app.integrations.openai.openai_list_models() sleep(0.2) app.integrations.openai.work.openai_list_models() sleep(0.2) return 1`, {},
    { onprogress: (p) => progress.push(p) });
  assert.ok(!withProgress.isError);
  // (The SDK handles a notification a tick after a response, so one sent
  // just before the answer may be dropped: the script pauses after each call.)
  assert.equal(progress.length, 2, JSON.stringify(progress));
  assert.match(progress[0].message, /^1 call\(s\) made; the last: openai_list_models \(account main\): HTTP 200/);
  assert.match(progress[1].message, /^2 call\(s\) made; the last: openai_list_models \(account work\)/);
  checks.push("progress");

  // a write without --allow-write: refused, and the flag named
  const write = await execute(client, `return app.integrations.openai.openai_chat_completion({ model = "gpt-5.1-mini", messages = { { role = "user", content = "Hi" } } })`);
  assert.equal(write.isError, true);
  assert.equal(write.structuredContent.error.type, "policy_error");
  assert.match(text(write), /--allow-write/);
  const flat = await client.callTool({ name: "openai_chat_completion", arguments: { model: "gpt-5.1-mini", messages: [{ role: "user", content: "Hi" }] } });
  assert.equal(flat.isError, true);
  assert.match(text(flat), /offers it with --allow-write/);
  checks.push("write refused");

  // the flat tools
  const list = await client.callTool({ name: "openai_list_models", arguments: { account: "work" } });
  assert.ok(!list.isError, JSON.stringify(list));
  assert.equal(JSON.parse(text(list)).object, "list");
  assert.equal(list.structuredContent.object, "list");
  const unknown = await client.callTool({ name: "openai_list_models", arguments: { account: "nobody" } });
  assert.equal(unknown.isError, true);
  assert.equal(unknown.structuredContent.type, "unknown_account");
  checks.push("flat tools");
  return checks;
}

// stdio
{
  const transport = new StdioClientTransport({ command: kosmo, args: serveArgs, env });
  const client = new Client({ name: "kosmo-ci-client", version: "1.0.0" });
  await client.connect(transport);
  const checks = await exercise(client, "stdio");
  await client.close();
  console.log(`typescript MCP client over stdio: ${checks.join(", ")}`);
}

// Streamable HTTP, with an access token
{
  const token = "ci-token-" + Math.random().toString(36).slice(2);
  const server = spawn(kosmo, [...serveArgs, "--http", "127.0.0.1:0"], { env: { ...env, KOSMO_MCP_TOKEN: token }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const url = await new Promise((resolve, reject) => {
    server.stderr.on("data", (chunk) => {
      stderr += chunk;
      const m = stderr.match(/serving MCP at (http:\/\/\S+\/mcp);/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`kosmo exited (${code}): ${stderr}`)));
  });
  try {
    const refused = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: "{}" });
    assert.equal(refused.status, 401, "no token, no access");
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    const client = new Client({ name: "kosmo-ci-client", version: "1.0.0" });
    await client.connect(transport);
    const checks = await exercise(client, "http");
    await transport.terminateSession();
    await client.close();
    assert.ok(!stderr.includes(token), "the token is never logged");
    console.log(`typescript MCP client over HTTP: ${checks.join(", ")}`);
  } finally {
    server.kill("SIGTERM");
  }
}

// --allow-write: every tool, writes from a script, speech as audio content
{
  // The speech calls below need a speech model: OpenAI shuts them down on
  // 2027-01-06, so this server's fake runs on the day before.
  const transport = new StdioClientTransport({ command: kosmo, args: [...serveArgs, "--allow-write"], env: { ...env, KOSMO_FAKE_DATE: "2027-01-05" } });
  const client = new Client({ name: "kosmo-ci-client", version: "1.0.0" });
  await client.connect(transport);
  const { tools } = await client.listTools();
  assert.equal(tools.length, 19, tools.map((t) => t.name).join(", "));
  const chat = await execute(client, `local r = app.integrations.openai.work.openai_chat_completion({ model = "gpt-5.1-mini",
    messages = { { role = "user", content = "Hello" } } }) return r.choices[1].message.content`);
  assert.ok(!chat.isError, text(chat));
  assert.match(chat.structuredContent.result[0], /This is a fake reply to: Hello/);
  const speech = await client.callTool({ name: "openai_text_to_speech", arguments: { model: "tts-1", input: "Hello there", voice: "nova", response_format: "wav" } });
  assert.ok(!speech.isError, text(speech));
  assert.equal(speech.content[1].type, "audio");
  assert.equal(speech.content[1].mimeType, "audio/wav");
  assert.ok(text(speech).length < 1000, "no base64 in the text");
  const bad = await client.callTool({ name: "openai_text_to_speech", arguments: { model: "tts-1", input: "hi", voice: "robot" } });
  assert.equal(bad.isError, true);
  assert.match(text(bad), /parameter 'voice'/);
  await client.close();
  console.log(`typescript MCP client with --allow-write: ${tools.length} tools, a write from a script, speech as audio content`);
}
