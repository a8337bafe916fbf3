// A release as the forges publish one, on this machine: releases built by build.ts, a "next" release built from
// a copy of this checkout with its patch version raised (what the following tag would publish), and a local HTTP
// server laid out as the release contract says (`/vX.Y.Z/<asset>`, `/latest/<asset>`). Used by
// `bun run release:local` (scripts/release-local.ts) and by the tests of install.sh and `blue upgrade`.
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import semver from "semver";
import { buildRelease, sha256File } from "../build.ts";

export const ROOT = resolve(import.meta.dir, "..");

export const packageVersion = (root = ROOT): string => (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;

/**
 * Build release `version` of this checkout for `targets` into `outdir`, from a copy whose package.json says
 * that version: the binaries differ from this checkout's exactly as the next tag's would (their version).
 */
export async function buildOtherVersion(opts: { version: string; targets: readonly string[]; outdir: string }): Promise<void> {
  const copy = mkdtempSync(join(tmpdir(), "blue-release-src-"));
  try {
    for (const f of ["src", "build.ts", "tsconfig.json"]) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
    symlinkSync(realpathSync(join(ROOT, "node_modules")), join(copy, "node_modules"));
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(copy, "package.json"), JSON.stringify({ ...pkg, version: opts.version }, null, 2));
    await buildRelease({ root: copy, outdir: resolve(opts.outdir), targets: opts.targets });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The next patch version after this checkout's. */
export const nextVersion = (root = ROOT) => semver.inc(packageVersion(root), "patch")!;

/** Each asset named in `dir`/SHA256SUMS, with whether its file hashes to it: [asset, ok]. */
export function verifySums(dir: string): [string, boolean][] {
  const lines = readFileSync(join(dir, "SHA256SUMS"), "utf8").trim().split("\n");
  return lines.map((l) => {
    const [sum, asset] = l.split(/ [ *]/) as [string, string];
    return [asset, existsSync(join(dir, asset)) && sha256File(join(dir, asset)) === sum];
  });
}

/** Whether a target's binary can run on this machine, and if not, why (os, CPU, or its C library's loader). */
export function runnableHere(target: string): { ok: true } | { ok: false; why: string } {
  const [os, arch, libc] = target.split("-") as [string, string, string | undefined];
  if (os !== process.platform) return { ok: false, why: `a ${os} binary on ${process.platform}` };
  if (arch !== process.arch) return { ok: false, why: `an ${arch} binary on ${process.arch}` };
  if (os !== "linux") return { ok: true };
  const cpu = arch === "x64" ? "x86_64" : "aarch64";
  const loader = libc === "musl" ? `/lib/ld-musl-${cpu}.so.1` : arch === "x64" ? "/lib64/ld-linux-x86-64.so.2" : "/lib/ld-linux-aarch64.so.1";
  return existsSync(loader) ? { ok: true } : { ok: false, why: `its C library's loader ${loader} is not on this machine (${libc ?? "glibc"})` };
}

/**
 * The target a binary is built for, read from its header (ELF machine and interpreter, Mach-O CPU type): for
 * the assets this machine cannot run, proof that each is what its name says. undefined when it is neither.
 */
export function targetOfBinary(path: string): string | undefined {
  const fd = openSync(path, "r");
  const head = Buffer.alloc(8192);
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) === 0x7f454c46) {
    const arch = ({ 62: "x64", 183: "arm64" } as Record<number, string>)[head.readUInt16LE(18)];
    const interp = head.toString("latin1");
    const libc = interp.includes("/ld-musl-") ? "-musl" : interp.includes("/ld-linux") ? "" : undefined;
    return arch && libc !== undefined ? `linux-${arch}${libc}` : undefined;
  }
  if (head.readUInt32LE(0) === 0xfeedfacf) {
    const arch = ({ 0x01000007: "x64", 0x0100000c: "arm64" } as Record<number, string>)[head.readUInt32LE(4)];
    return arch ? `darwin-${arch}` : undefined;
  }
  return undefined;
}

export type ReleaseServer = { url: string; requests: string[]; stop: () => void };

/**
 * Serve release directories: `releases` maps a version to the directory build.ts wrote for it; `latest/` is
 * `latest`'s. Only plain asset names are served (no paths out of the directories).
 */
export function serveReleases(releases: Record<string, string>, latest: string): ReleaseServer {
  const requests: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const m = /^\/(?:v([^/]+)|(latest))\/([A-Za-z0-9._-]+)$/.exec(path);
      const dir = m ? releases[m[2] ? latest : m[1]!] : undefined;
      const file = dir ? join(dir, m![3]!) : undefined;
      return file && existsSync(file) ? new Response(Bun.file(file)) : new Response("not found", { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}

/** A directory laid out as a release of the binary at `binary` for `target` (tests: dist/blue as this version). */
export function releaseDirOf(binary: string, target: string, version: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(binary, join(dir, `blue-${target}`));
  writeFileSync(join(dir, "SHA256SUMS"), `${sha256File(binary)}  blue-${target}\n`);
  writeFileSync(join(dir, "VERSION"), `${version}\n`);
  return dir;
}
