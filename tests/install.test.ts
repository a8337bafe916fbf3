// install.sh end to end: a local release server in this process, the real script run under bash, a temp HOME,
// install dir and TMPDIR per test, so nothing touches the real home or PATH.
import { test, expect, beforeAll, afterAll } from "bun:test";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const BIN = join(ROOT, "dist/blue");
const SCRIPT = join(ROOT, "install.sh");
const VERSION = "0.1.0";

// Same mapping install.sh makes from uname -s / uname -m.
const OS = ({ linux: "linux", darwin: "darwin" } as Record<string, string>)[process.platform];
const ARCH = ({ x64: "x64", arm64: "arm64" } as Record<string, string>)[process.arch];
const ASSET = `blue-${OS}-${ARCH}`;

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

let server: ReturnType<typeof Bun.serve>;
let goodSum = "";
const wrongSum = sha256("not the binary");
const requests: string[] = [];

beforeAll(() => {
  if (!OS || !ARCH) throw new Error(`no release asset for ${process.platform}/${process.arch}`);
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'bun run build.ts' before 'bun test' (the test script does)`);
  const binary = readFileSync(BIN);
  goodSum = sha256(binary);
  const routes: Record<string, () => Response> = {
    [`/v${VERSION}/${ASSET}`]: () => new Response(binary),
    [`/v${VERSION}/${ASSET}.sha256`]: () => new Response(`${goodSum}  ${ASSET}\n`),
    // A release whose checksum file does not match its binary.
    [`/v0.0.9/${ASSET}`]: () => new Response(binary),
    [`/v0.0.9/${ASSET}.sha256`]: () => new Response(`${wrongSum}  ${ASSET}\n`),
  };
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(path);
      return routes[path]?.() ?? new Response("not found", { status: 404 });
    },
  });
});

const roots: string[] = [];

afterAll(() => {
  server?.stop(true);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

type Dirs = { root: string; home: string; bin: string; tmp: string };

function dirs(): Dirs {
  const root = mkdtempSync(join(tmpdir(), "blue-install-"));
  roots.push(root);
  const d = { root, home: join(root, "home"), bin: join(root, "bin"), tmp: join(root, "tmp") };
  mkdirSync(d.home);
  mkdirSync(d.tmp);
  return d;
}

type Result = { code: number; stdout: string; stderr: string };

// Async on purpose: the release server runs on this process's event loop.
async function install(d: Dirs, args: string[], opts: { script?: string; env?: Record<string, string> } = {}): Promise<Result> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("BLUE_")) env[k] = v;
  const proc = Bun.spawn(["bash", opts.script ?? SCRIPT, ...args], {
    cwd: d.home,
    env: {
      ...env,
      HOME: d.home,
      TMPDIR: d.tmp,
      BLUE_INSTALL_DIR: d.bin,
      BLUE_DOWNLOAD_URL: `http://127.0.0.1:${server.port}`,
      ...opts.env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

function expectOneError(r: Result, text: string) {
  expect(r.code).not.toBe(0);
  expect(r.stderr.endsWith("\n")).toBe(true);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("error: ");
  expect(lines[0]).toContain(text);
}

function versionOf(binary: string): string {
  const r = spawnSync(binary, ["--version"], { encoding: "utf8" });
  expect(r.status).toBe(0);
  return r.stdout;
}

test("downloads the release for this machine, verifies it and installs it", async () => {
  const d = dirs();
  const before = requests.length;
  const r = await install(d, []);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(requests.slice(before)).toEqual([`/v${VERSION}/${ASSET}`, `/v${VERSION}/${ASSET}.sha256`]);

  const installed = join(d.bin, "blue");
  expect(entries(d.bin)).toEqual(["blue"]);
  expect(statSync(installed).mode & 0o777).toBe(0o755);
  expect(sha256(readFileSync(installed))).toBe(goodSum);
  expect(versionOf(installed)).toBe(`blue ${VERSION}\n`);

  const lines = r.stdout.trimEnd().split("\n");
  expect(lines).toContain(`✓ Installed blue ${VERSION} to ${installed}`);
  // The temp install dir is not on PATH, so the last line says how to add it.
  expect(lines.at(-1)).toBe(`${d.bin} is not on your PATH; add it with: export PATH="${d.bin}:$PATH"`);
  expect(entries(d.tmp)).toEqual([]); // the download dir was cleaned up
});

test("a checksum that does not match: one error line, nothing installed", async () => {
  const d = dirs();
  const r = await install(d, ["--version", "0.0.9"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`error: checksum mismatch for ${ASSET} (expected ${wrongSum}, got ${goodSum})\n`);
  expect(r.stdout).not.toContain("Installed");
  expect(entries(d.bin).filter((f) => f.includes("blue"))).toEqual([]);
  expect(entries(d.tmp)).toEqual([]);
});

test("a release asset that does not exist (404): one error line, nothing installed", async () => {
  const d = dirs();
  const r = await install(d, [], { env: { BLUE_VERSION: "0.0.8" } });
  expectOneError(r, `could not download http://127.0.0.1:${server.port}/v0.0.8/${ASSET}`);
  expect(r.stderr).toContain("404");
  expect(entries(d.bin)).toEqual([]);
  expect(entries(d.tmp)).toEqual([]);
});

test(
  "--from-source builds the checkout install.sh lives in and installs the result",
  async () => {
    // A copy of the checkout, so the build neither rewrites dist/blue under other tests nor runs bun install
    // in the working tree. node_modules comes along, so `bun install --frozen-lockfile` needs no network.
    const d = dirs();
    const checkout = join(d.root, "checkout");
    cpSync(ROOT, checkout, {
      recursive: true,
      filter: (src) => {
        const rel = relative(ROOT, src);
        return rel !== ".git" && rel !== "dist" && !rel.startsWith(".git/") && !rel.startsWith("dist/");
      },
    });
    const r = await install(d, ["--from-source"], { script: join(checkout, "install.sh") });
    const log = /\(output in (\S+)\)/.exec(r.stderr)?.[1];
    if (log && existsSync(log)) console.error(`--- ${log}\n${readFileSync(log, "utf8")}`); // why the build failed
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(checkout, "dist/blue"))).toBe(true);
    const installed = join(d.bin, "blue");
    expect(r.stdout).toContain(`✓ Installed blue ${VERSION} to ${installed}\n`);
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    expect(versionOf(installed)).toBe(`blue ${VERSION}\n`);
    expect(entries(d.bin)).toEqual(["blue"]);
    expect(entries(d.tmp)).toEqual([]);
  },
  180_000,
);

test("an unknown flag: exit 64 with one error line, nothing installed", async () => {
  const d = dirs();
  const r = await install(d, ["--bogus"]);
  expectOneError(r, "--bogus");
  expect(r.code).toBe(64);
  expect(entries(d.bin)).toEqual([]);
});

test("--help prints usage and installs nothing", async () => {
  const d = dirs();
  const r = await install(d, ["--help"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toStartWith("Usage: install.sh");
  expect(r.stdout).toContain("--from-source");
  expect(r.stderr).toBe("");
  expect(entries(d.bin)).toEqual([]);
});
