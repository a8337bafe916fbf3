// What the install.sh tests share: a temp HOME, install dir, TMPDIR and stub dir per test (removed by
// removeSandboxes), the script run under `sh` (dash here) with nothing of the caller's BLUE_* environment, and
// the checks on what it left behind.
import { expect } from "bun:test";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "..");
export const SCRIPT = join(ROOT, "install.sh");
export const VERSION = "0.1.0";

// Same mapping install.sh makes from uname -s / uname -m.
const OS = ({ linux: "linux", darwin: "darwin" } as Record<string, string>)[process.platform];
const ARCH = ({ x64: "x64", arm64: "arm64" } as Record<string, string>)[process.arch];
if (!OS || !ARCH) throw new Error(`no release asset for ${process.platform}/${process.arch}`);
export const ASSET = `blue-${OS}-${ARCH}`;
export const MUSL = `${ASSET}-musl`;

export const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

const roots: string[] = [];
export function removeSandboxes() {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

export type Dirs = { root: string; home: string; bin: string; tmp: string; stubs: string };

export function dirs(): Dirs {
  const root = mkdtempSync(join(tmpdir(), "blue-install-"));
  roots.push(root);
  const d = { root, home: join(root, "home"), bin: join(root, "bin"), tmp: join(root, "tmp"), stubs: join(root, "stubs") };
  for (const dir of [d.home, d.tmp, d.stubs]) mkdirSync(dir);
  return d;
}

/** An executable `name` in d.stubs (first on PATH) running this sh script. */
export function stub(d: Dirs, name: string, script: string) {
  writeFileSync(join(d.stubs, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(d.stubs, name), 0o755);
}

export type Result = { code: number; stdout: string; stderr: string };

/** Runs install.sh; async on purpose: a release server may run on this process's event loop. */
export async function install(d: Dirs, args: string[], opts: { script?: string; env?: Record<string, string> } = {}): Promise<Result> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("BLUE_")) env[k] = v;
  const proc = Bun.spawn(["sh", opts.script ?? SCRIPT, ...args], {
    cwd: d.home,
    env: {
      ...env,
      PATH: `${d.stubs}${delimiter}${env.PATH}`,
      HOME: d.home,
      TMPDIR: d.tmp,
      BLUE_INSTALL_DIR: d.bin,
      // A gh on a developer's machine would check the fake assets against GitHub: the attestation tests opt in.
      BLUE_SKIP_ATTESTATION: "1",
      ...opts.env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

export const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

export function expectOneError(r: Result, text: string) {
  expect(r.code).not.toBe(0);
  expect(r.stderr.endsWith("\n")).toBe(true);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("error: ");
  expect(lines[0]).toContain(text);
}

export function expectNothingInstalled(d: Dirs) {
  expect(entries(d.bin)).toEqual([]);
  expect(entries(d.tmp)).toEqual([]);
}

export function versionOf(binary: string): string {
  const r = spawnSync(binary, ["--version"], { encoding: "utf8" });
  expect(r.status).toBe(0);
  return r.stdout;
}

export function receipt(d: Dirs): Record<string, string> {
  const text = readFileSync(join(d.bin, ".blue-install"), "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return Object.fromEntries(text.trimEnd().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

export function expectReceipt(d: Dirs, want: { version: string; asset: string; base: string }) {
  const r = receipt(d);
  expect(Object.keys(r)).toEqual(["installer", "version", "asset", "base", "installed_at"]);
  expect(r).toMatchObject({ installer: "install.sh", ...want });
  expect(r.installed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
}
