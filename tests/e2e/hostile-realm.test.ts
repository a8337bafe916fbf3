// A realm is a git repo several teams write to (issue 16, the trust boundary): what one member pushes must not
// crash another member's blue or daemon. A hostile file ends in exit 78 with its file:line:col; a realm that asks
// for a newer blue is refused with one line; the daemon marks such a realm broken and serves the others.
import { afterAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, initialSetup, stackTrace, type Run, type Sandbox } from "./sandbox.ts";
import { CheckReport } from "../../src/check/findings.ts";

const CONTRACT = "domains/s3-access/contracts/s3-permissions.yaml";
const VERSION = (JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")) as { version: string }).version;

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

/** The RFC's realm (aperture, fungal-image-analysis) and a second realm, `quiet`, with one member, `bystander`;
 *  `push` is a teammate with a plain git clone of letemcook's remote, committing and pushing a file's new text. */
function twoRealms() {
  const setup = initialSetup();
  const { sb } = setup;
  sandboxes.push(sb);
  expect(sb.blue(sb.root, "realm", "admin", "init", "--name", "quiet").code).toBe(0);
  const bystander = sb.repo("bystander");
  expect(sb.blue(bystander, "realm", "admin", "join", "quiet").code).toBe(0);
  const teammate = sb.path("teammate");
  sb.git(sb.root, "clone", "-q", sb.defaultRemote("letemcook"), teammate);
  const push = (rel: string, edit: (text: string) => string) => {
    writeFileSync(join(teammate, rel), edit(readFileSync(join(teammate, rel), "utf8")));
    sb.git(teammate, "commit", "-qam", `edit ${rel}`);
    sb.git(teammate, "push", "-q", "origin", "main");
  };
  return { ...setup, bystander, push };
}

/** A daemon route, with the token and port the running daemon published. */
async function daemon(sb: Sandbox, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const { port } = JSON.parse(readFileSync(join(sb.env.XDG_RUNTIME_DIR!, "blue", "daemon.json"), "utf8")) as { port: number };
  const token = readFileSync(join(sb.env.BLUE_HOME!, "daemon.token"), "utf8").trim();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
  return { status: res.status, body: await res.json() };
}

/** Exit 78, the problem's line first (or the one error line), no stack trace, nothing called internal. */
function expectRefused(r: Run, first: RegExp | string): void {
  expect(stackTrace(r)).toBe(false);
  expect(r.stderr).not.toContain("internal error");
  expect(r.code).toBe(78);
  const line = r.stderr.split("\n")[0]!;
  if (typeof first === "string") expect(line).toBe(first);
  else expect(line).toMatch(first);
}

/** The billion laughs as a contract's value; returns the text and where the alias that crosses the limit is. */
function aliasBomb(text: string): { text: string; at: string } {
  const names = "abcdefghi".split("");
  const value = ["value:", "  a: &a [x, x, x, x, x, x, x, x, x]", ...names.slice(1).map((n, i) => `  ${n}: &${n} [${Array(9).fill(`*${names[i]}`).join(", ")}]`)];
  const out = text.replace(/^value:.*$/m, value.join("\n"));
  const line = out.split("\n").findIndex((l) => l.startsWith("  e: &e")) + 1;
  return { text: out, at: `${line}:10` };
}

describe("a hostile member pushes a YAML bomb to the realm", () => {
  test("an alias bomb: check and status end in exit 78 at its file:line:col; the daemon serves the other realm", async () => {
    const { sb, aperture, fungal, bystander, push } = twoRealms();
    let at = "";
    push(CONTRACT, (t) => {
      const bomb = aliasBomb(t);
      at = bomb.at;
      return bomb.text;
    });
    const line = `${CONTRACT}:${at}: value.e[0]: aliases expand the file by more than 10000 nodes here (an alias bomb?); blue's limit is 10000`;

    // The victim's daemon fetches the realm (status --refresh), then every command that loads it refuses it.
    const refresh = sb.blue(aperture, "realm", "status", "--refresh");
    expectRefused(refresh, line);
    expect(refresh.stderr).toContain("error: realm 'letemcook' has 1 error");
    expectRefused(sb.blue(aperture, "realm", "status"), line);
    expectRefused(sb.blue(fungal, "realm", "check"), line);
    const json = sb.blue(aperture, "realm", "check", "--json");
    expectRefused(json, line);
    // As with any realm that does not load: the problems go to stderr, and --json still prints its one document.
    const report = CheckReport.parse(JSON.parse(json.stdout));
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.col}: ${f.message}`)).toEqual([line]);
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([["realm-invalid", "error"]]);

    // The daemon: that realm is broken, with the same line, and answered without a 500; the other realm is served.
    const view = await daemon(sb, "/realms/letemcook/repos/aperture");
    expect(view).toEqual({ status: 409, body: { error: { code: "invalid_realm", message: `realm 'letemcook' does not load: ${line}` } } });
    const details = await daemon(sb, "/realms/letemcook");
    expect(details.body.realm.status).toBe("broken");
    const other = sb.blue(bystander, "realm", "status");
    expect(other.stderr).toBe("");
    expect(other.code).toBe(0);
    expect(other.stdout).not.toContain("Sessions and notifications unavailable");
    expect((await daemon(sb, "/realms/quiet/repos/bystander")).status).toBe(200);
    expect((await daemon(sb, "/realms")).body.realms.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ["letemcook", "broken"],
      ["quiet", "active"],
    ]);
  });

  test("10,000 nested flow sequences: exit 78 at the first level past the limit, in check and status", async () => {
    const { sb, aperture, push } = twoRealms();
    push(CONTRACT, (t) => t.replace(/^value:.*$/m, `value: ${"[".repeat(10_000)}${"]".repeat(10_000)}`));
    const line = new RegExp(`^${CONTRACT.replace(/[./]/g, "\\$&")}:\\d+:263: value\\[0\\]\\[0\\]\\[0\\]\\[0\\]\\[0\\]…: nested more than 256 levels deep; blue's limit is 256$`);
    expectRefused(sb.blue(aperture, "realm", "status", "--refresh"), line);
    expectRefused(sb.blue(aperture, "realm", "check"), line);
    expectRefused(sb.blue(aperture, "realm", "check", "--json"), line);
    const answer = await daemon(sb, "/realms/letemcook/repos/aperture/status", { method: "POST", body: JSON.stringify({ session: { id: "probe", repo: "aperture", realm: "letemcook" } }) });
    expect(answer.status).toBe(200);
    expect(answer.body.view).toBeNull();
    expect(answer.body.view_error).toMatch(/^realm 'letemcook' does not load: domains\/s3-access\/contracts\/s3-permissions\.yaml:\d+:263: /);
  });
});

describe("a hostile .blue/config.yaml (committed in the member repo, so teammates write it too)", () => {
  test("an alias bomb in it is exit 78 at its line:col, not an internal error", () => {
    const { sb, aperture } = initialSetup();
    sandboxes.push(sb);
    const names = "abcdefghi".split("");
    const bomb = ["realm:", "  name: letemcook", "  url: x", "repo: aperture", "extra:", "  a: &a [x, x, x, x, x, x, x, x, x]", ...names.slice(1).map((n, i) => `  ${n}: &${n} [${Array(9).fill(`*${names[i]}`).join(", ")}]`)];
    writeFileSync(join(aperture, ".blue/config.yaml"), `${bomb.join("\n")}\n`);
    for (const args of [["realm", "status"], ["realm", "check"], ["realm", "admin", "domain", "list"]]) {
      const r = sb.blue(aperture, ...args);
      expectRefused(r, ".blue/config.yaml:10:10: extra.e[0]: aliases expand the file by more than 10000 nodes here (an alias bomb?); blue's limit is 10000");
      expect(r.stderr).toContain("error: .blue/config.yaml is not valid");
    }
  });
});

describe("min_blue_version", () => {
  test("a realm that needs a newer blue: one line and exit 78 in check and status, and the daemon marks it broken", async () => {
    const { sb, aperture, fungal, bystander, push } = twoRealms();
    // What a newer blue might write: the version it needs, and a key this blue does not know.
    push("realm.yaml", (t) => t.replace(/^version: .*$/m, "$&\nmin_blue_version: 99.0.0\ntrust_pins:\n  - key: ed25519:abc"));
    const upgrade = `error: realm 'letemcook' needs blue >= 99.0.0 (this is blue ${VERSION}): upgrade blue`;
    for (const [repo, args] of [
      [aperture, ["realm", "status", "--refresh"]],
      [aperture, ["realm", "status"]],
      [aperture, ["realm", "status", "--json"]],
      [fungal, ["realm", "check"]],
      [fungal, ["realm", "check", "--json"]],
      [aperture, ["realm", "admin", "domain", "list"]],
    ] as const) {
      const r = sb.blue(repo, ...args);
      expectRefused(r, upgrade);
      expect(r.stderr).not.toContain("unknown field");
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(2); // the line and its hint
    }
    const answer = await daemon(sb, "/realms/letemcook/repos/aperture/status", { method: "POST", body: JSON.stringify({ session: { id: "probe", repo: "aperture", realm: "letemcook" } }) });
    expect(answer.body.view_error).toBe(upgrade.slice("error: ".length));
    expect((await daemon(sb, "/realms/letemcook")).body).toMatchObject({ realm: { status: "broken" }, error: upgrade.slice("error: ".length) });
    expect(sb.blue(bystander, "realm", "status").code).toBe(0);

    // An agent asking through `blue mcp` gets the same line as each tool's error.
    const client = new Client({ name: "blue-e2e", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: BIN, args: ["mcp"], cwd: aperture, env: sb.env, stderr: "pipe" }));
    try {
      for (const [name, args] of [["realm_status", {}], ["realm_check", { mode: "contract" }], ["contract_get", { name: "s3-permissions" }]] as const) {
        const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text?: string }[] };
        expect(r.isError).toBe(true);
        expect(r.content[0]!.text).toStartWith(upgrade.slice("error: ".length));
      }
    } finally {
      await client.close();
    }
  });

  test("a min_blue_version at or below this blue's version loads as before", () => {
    const { sb, aperture, fungal, push } = twoRealms();
    push("realm.yaml", (t) => t.replace(/^version: .*$/m, `$&\nmin_blue_version: ${VERSION}`));
    const status = sb.blue(aperture, "realm", "status", "--refresh");
    expect(status.stderr).toBe("");
    expect(status.code).toBe(0);
    const check = sb.blue(fungal, "realm", "check");
    expect(stackTrace(check)).toBe(false);
    expect(check.stderr).toBe("");
    expect([0, 2]).toContain(check.code);
    // Read as a field of realm.yaml, not warned about as an unknown one (as a blue before it would).
    const list = sb.blue(aperture, "realm", "admin", "domain", "list");
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);
  });
});
