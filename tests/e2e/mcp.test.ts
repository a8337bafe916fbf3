// `blue mcp` through the MCP SDK's own client over stdio, against the compiled binary: the tools and their
// schemas, each tool's result against the matching `--json` command, the error outside a member repo, and
// the daemon session held while the client is connected.
import { afterAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CheckReport } from "../../src/check/findings.ts";
import { ContractView } from "../../src/contract/view.ts";
import { StatusDoc } from "../../src/realm/view.ts";
import { realmWithHistory, VALUE } from "./realm-world.ts";
import { BIN, type Sandbox } from "./sandbox.ts";

type Connected = { client: Client; transport: StdioClientTransport; stderr: () => string; errors: Error[] };
const open: Connected[] = [];
const sandboxes: Sandbox[] = [];
afterAll(async () => {
  for (const c of open) await c.client.close();
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

async function connect(sb: Sandbox, cwd: string, env: Record<string, string> = {}): Promise<Connected> {
  const transport = new StdioClientTransport({ command: BIN, args: ["mcp"], cwd, env: { ...sb.env, ...env }, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: "blue-e2e", version: "1.0.0" });
  const errors: Error[] = [];
  // Anything on stdout that is not JSON-RPC shows up here.
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  const c = { client, transport, stderr: () => stderr, errors };
  open.push(c);
  return c;
}

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown>; content: { type: string; text?: string }[] };
async function call(c: Connected, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await c.client.callTool({ name, arguments: args })) as ToolResult;
}

/** A tool's structured result, checked to be the same document as its text content. */
function structured(r: ToolResult): Record<string, unknown> {
  expect(r.isError).toBeFalsy();
  expect(r.content).toHaveLength(1);
  expect(JSON.parse(r.content[0]!.text!)).toEqual(r.structuredContent!);
  return r.structuredContent!;
}

async function daemonSessions(sb: Sandbox): Promise<{ id: string; repo: string; pid: number | null; client_id: string | null }[]> {
  const info = JSON.parse(readFileSync(join(sb.env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8"));
  const token = readFileSync(join(sb.env.BLUE_HOME!, "daemon.token"), "utf8").trim();
  const res = await fetch(`http://127.0.0.1:${info.port}/sessions?realm=letemcook`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { sessions: never[] }).sessions;
}

describe("blue mcp in a member repo", () => {
  const world = realmWithHistory();
  const { sb, aperture, fungal, code } = world;
  sandboxes.push(sb);

  test("lists its three tools with their input and output schemas", async () => {
    const c = await connect(sb, aperture);
    expect(c.client.getServerVersion()).toEqual({ name: "blue", version: "0.1.0" });
    const { tools } = await c.client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(["contract_get", "realm_check", "realm_status"]);
    expect(byName.realm_status!.inputSchema.properties ?? {}).toEqual({});
    const check = byName.realm_check!.inputSchema as { properties: Record<string, { enum?: string[]; type?: string }>; required: string[] };
    expect(check.required).toEqual(["mode"]);
    expect(check.properties.mode!.enum).toEqual(["contract", "exporter", "importer", "compatibility"]);
    expect(Object.keys(check.properties).sort()).toEqual(["contract", "from", "mode", "to", "transitive"]);
    const get = byName.contract_get!.inputSchema as { properties: Record<string, { type?: string }>; required: string[] };
    expect(get.required).toEqual(["name"]);
    expect(get.properties.version!.type).toBe("string");
    for (const t of tools) expect(t.outputSchema?.type).toBe("object");
    expect((byName.contract_get!.outputSchema!.required as string[]).sort()).toEqual(Object.keys(ContractView.shape).sort());
    expect(c.errors).toEqual([]);
  });

  test("realm_status returns what `blue realm status --json` prints, with its own session as 'you'", async () => {
    code({ ...VALUE, read: [...VALUE.read, "training-metrics/experiments/*"] });
    try {
      const c = await connect(sb, aperture);
      const mcp = StatusDoc.parse(structured(await call(c, "realm_status")));
      const cli = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout));
      const { sessions: mcpSessions, ...mcpRest } = mcp;
      const { sessions: cliSessions, ...cliRest } = cli;
      expect(mcpRest).toEqual(cliRest);
      expect(mcp.local_changes.map((l) => l.changes.map((x) => x.text))).toEqual([["/read: + training-metrics/experiments/*"]]);
      expect(mcp.daemon_error).toBeNull();
      // Both see the MCP server's session and the shell's; each marks its own as "you".
      expect(mcpSessions!.filter((s) => s.you)).toHaveLength(1);
      expect(cliSessions!.filter((s) => s.you)).toHaveLength(1);
      expect(cliSessions!.length).toBe(mcpSessions!.length + 1);
      expect(c.errors).toEqual([]);
    } finally {
      code(VALUE);
    }
  });

  test("realm_check returns what `blue realm check --json` prints, in each mode asked for", async () => {
    const c = await connect(sb, fungal);
    const importer = CheckReport.parse(structured(await call(c, "realm_check", { mode: "importer" })));
    expect(importer).toEqual(CheckReport.parse(JSON.parse(sb.blue(fungal, "realm", "check", "--mode", "importer", "--json").stdout)));
    expect(importer.modes).toEqual(["importer"]);
    expect(importer.findings.map((f) => f.rule)).toEqual(["stale-binding"]);

    const compat = CheckReport.parse(structured(await call(c, "realm_check", { mode: "compatibility", contract: "s3-permissions", from: "1.0.0", to: "1.4.0" })));
    const cliCompat = sb.blue(fungal, "realm", "check", "--mode", "compatibility", "--contract", "s3-permissions", "--from", "1.0.0", "--to", "1.4.0", "--json");
    expect(compat).toEqual(CheckReport.parse(JSON.parse(cliCompat.stdout)));
    expect(compat.compatibility.map((x) => [x.from, x.to])).toEqual([["1.0.0", "1.4.0"]]);

    const a = await connect(sb, aperture);
    code({ ...VALUE, write: [] });
    try {
      const exporter = CheckReport.parse(structured(await call(a, "realm_check", { mode: "exporter" })));
      // Errors found by a check are data, not a tool failure.
      expect(exporter.summary.errors).toBe(1);
      expect(exporter).toEqual(CheckReport.parse(JSON.parse(sb.blue(aperture, "realm", "check", "--mode=exporter", "--json").stdout)));
    } finally {
      code(VALUE);
    }
  });

  test("realm_check refuses a mode it does not know, and an unknown contract, as tool errors", async () => {
    const c = await connect(sb, fungal);
    const bad = await call(c, "realm_check", { mode: "everything" });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toContain("mode");
    const unknown = await call(c, "realm_check", { mode: "contract", contract: "nope" });
    expect(unknown).toEqual({ isError: true, content: [{ type: "text", text: "unknown contract 'nope' for repo 'fungal-image-analysis' in realm 'letemcook'. Contracts 'fungal-image-analysis' exports or imports: s3-permissions." }] });
  });

  test("contract_get returns what `blue realm contract show --json` prints, now and at an earlier version", async () => {
    const c = await connect(sb, fungal);
    const now = ContractView.parse(structured(await call(c, "contract_get", { name: "s3-permissions" })));
    expect(now).toEqual(ContractView.parse(JSON.parse(sb.blue(fungal, "realm", "contract", "show", "s3-permissions", "--json").stdout)));
    expect(now.version).toBe("1.4.0");
    expect(now.value).toEqual(VALUE);
    expect(now.owner).toBe("aperture");
    expect(now.bindings.map((b) => `${b.repo}:${b.role}`)).toEqual(["aperture:export", "fungal-image-analysis:import"]);

    const old = ContractView.parse(structured(await call(c, "contract_get", { name: "s3-permissions", version: "1.0.0" })));
    expect(old).toEqual(ContractView.parse(JSON.parse(sb.blue(fungal, "realm", "contract", "show", "s3-permissions", "--version", "1.0.0", "--json").stdout)));
    expect(old.version).toBe("1.0.0");
    expect(old.value).not.toEqual(now.value);

    const missing = await call(c, "contract_get", { name: "s3-permissions", version: "7.0.0" });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]!.text).toBe("no version 7.0.0 of s3-permissions in the realm's history. Versions in its evolution: 1.0.0, 1.4.0; the current one is 1.4.0.");
  });

  test("holds a session in the daemon while connected, and ends it when the client disconnects", async () => {
    const c = await connect(sb, fungal);
    await call(c, "contract_get", { name: "s3-permissions" });
    const pid = c.transport.pid;
    const held = (await daemonSessions(sb)).filter((s) => s.pid === pid);
    expect(held).toHaveLength(1);
    expect(held[0]!.id).toStartWith("mcp-");
    expect(held[0]!.repo).toBe("fungal-image-analysis");
    expect(held[0]!.client_id).toBe("mcp:blue-e2e");
    const status = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout));
    expect(status.sessions!.some((s) => s.repo === "fungal-image-analysis" && !s.you)).toBe(true);

    await c.client.close();
    expect((await daemonSessions(sb)).filter((s) => s.pid === pid || s.id === held[0]!.id)).toEqual([]);
    expect(c.stderr()).toBe("");
  });
});

describe("blue mcp elsewhere", () => {
  test("outside a member repo the server starts, lists its tools, and each tool says what to do", async () => {
    const { sb } = realmWithHistory();
    sandboxes.push(sb);
    const plain = sb.path("plain");
    mkdirSync(plain);
    const c = await connect(sb, plain);
    expect((await c.client.listTools()).tools).toHaveLength(3);
    for (const [name, args] of [["realm_status", {}], ["realm_check", { mode: "contract" }], ["contract_get", { name: "s3-permissions" }]] as const) {
      const r = await call(c, name, args);
      expect(r).toEqual({ isError: true, content: [{ type: "text", text: `${plain} is not inside a git repository: start blue mcp with a member repo as its working directory, or run 'blue realm admin join <realm>' in this repo` }] });
    }
    const loner = sb.repo("loner");
    const l = await connect(sb, loner);
    const r = await call(l, "realm_status");
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toStartWith(`${loner} has not joined a realm (no .blue/config.yaml): start blue mcp with a member repo`);
    expect(r.content[0]!.text).not.toContain("\n");
  });

  test("without a daemon the tools still answer, and status says why sessions are missing", async () => {
    const { sb, fungal } = realmWithHistory();
    sandboxes.push(sb);
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("not blue") });
    try {
      const c = await connect(sb, fungal, { BLUE_DAEMON_PORT: String(blocker.port) });
      const status = StatusDoc.parse(structured(await call(c, "realm_status")));
      expect(status.sessions).toBeNull();
      expect(status.daemon_error).toStartWith("the blue daemon did not start");
      expect(ContractView.parse(structured(await call(c, "contract_get", { name: "s3-permissions" }))).version).toBe("1.4.0");
      expect(c.stderr()).toContain("blue mcp: no daemon session (tools work without one): the blue daemon did not start");
    } finally {
      blocker.stop(true);
    }
  });
});
