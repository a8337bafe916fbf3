// blue upgrade end to end: the compiled binary, installed in a temp directory with install.sh's receipt,
// upgrades itself from a local release server (scripts/release-server.ts) serving this build as the current
// version and a real build of the next patch version (a copy of the checkout with its version raised).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hostTarget, sha256File } from "../../build.ts";
import { buildOtherVersion, nextVersion, packageVersion, releaseDirOf, serveReleases, type ReleaseServer } from "../../scripts/release-server.ts";
import { UpgradeReport } from "../../src/upgrade/plan.ts";
import { BIN, Sandbox, type Run } from "./sandbox.ts";

const HOST = hostTarget();
const ASSET = `blue-${HOST}`;
const CURRENT = packageVersion();
const NEXT = nextVersion();
const fixtures = mkdtempSync(join(tmpdir(), "blue-upgrade-releases-"));
let server: ReleaseServer;
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  const current = releaseDirOf(BIN, HOST, CURRENT, join(fixtures, CURRENT));
  const next = join(fixtures, NEXT);
  await buildOtherVersion({ version: NEXT, targets: [HOST], outdir: next });
  // v9.9.9: a release whose SHA256SUMS does not match its binary (a damaged mirror).
  const damaged = releaseDirOf(join(next, ASSET), HOST, "9.9.9", join(fixtures, "9.9.9"));
  writeFileSync(join(damaged, "SHA256SUMS"), `${"0".repeat(64)}  ${ASSET}\n`);
  // v8.8.8: the checksum matches, but the binary is another version than the tag says.
  const mislabelled = releaseDirOf(join(next, ASSET), HOST, "8.8.8", join(fixtures, "8.8.8"));
  server = serveReleases({ [CURRENT]: current, [NEXT]: next, "9.9.9": damaged, "8.8.8": mislabelled }, NEXT);
});

afterAll(() => {
  server?.stop();
  for (const sb of sandboxes) {
    sb.shutDaemon();
    rmSync(sb.root, { recursive: true, force: true });
  }
  rmSync(fixtures, { recursive: true, force: true });
});

/** A sandbox with blue (this build, or `from`) installed in its bin/ as install.sh would, receipt and all. */
function installed(opts: { receipt?: boolean; from?: string } = {}): { sb: Sandbox; bin: string } {
  const sb = new Sandbox();
  sandboxes.push(sb);
  mkdirSync(sb.path("bin"));
  const bin = sb.path("bin", "blue");
  copyFileSync(opts.from ?? BIN, bin);
  chmodSync(bin, 0o755);
  if (opts.receipt !== false) {
    writeFileSync(sb.path("bin", ".blue-install"), `installer=install.sh\nversion=${CURRENT}\nasset=${ASSET}\nbase=${server.url}\ninstalled_at=2026-11-30T00:00:00Z\n`);
  }
  sb.env.BLUE_DOWNLOAD_URL = server.url;
  return { sb, bin };
}

/** Async: the release server answers on this process's event loop. */
async function run(sb: Sandbox, argv: string[], extraEnv: Record<string, string> = {}, cwd = sb.root): Promise<Run> {
  const p = Bun.spawn(argv, { cwd, env: { ...sb.env, ...extraEnv }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** One error line, then its hint: never a trace. */
function expectError(r: Run, code: number, text: string) {
  expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines[0]).toStartWith("error: ");
  expect(lines[0]).toContain(text);
  expect(lines.length).toBeLessThanOrEqual(2);
}

const versionOf = async (sb: Sandbox, bin: string) => (await run(sb, [bin, "--version"])).stdout.trim();

describe("blue upgrade", () => {
  test("--check says a newer release exists and replaces nothing (exit 0); --json is the plan", async () => {
    const { sb, bin } = installed();
    const before = sha256File(bin);
    const r = await run(sb, [bin, "upgrade", "--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`blue ${NEXT} is available (this is ${CURRENT}): run 'blue upgrade'\n`);
    const doc = UpgradeReport.parse(JSON.parse((await run(sb, [bin, "upgrade", "--check", "--json"])).stdout));
    expect(doc).toMatchObject({ current: CURRENT, available: NEXT, action: "install", reason: "upgrade", asset: ASSET, replaced: false, daemon: null });
    expect(doc.binary_url).toBe(`${server.url}/v${NEXT}/${ASSET}`);
    expect(sha256File(bin)).toBe(before);
  });

  test("without BLUE_DOWNLOAD_URL, from the base the receipt names (a mirror stays the mirror)", async () => {
    const { sb, bin } = installed();
    const r = await run(sb, [bin, "upgrade", "--check"], { BLUE_DOWNLOAD_URL: "" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`blue ${NEXT} is available`);
  });

  test("replaces the binary in one rename (every run during the upgrade is the old or the new blue), rewrites the receipt, restarts the daemon", async () => {
    const { sb, bin } = installed();
    expect((await run(sb, [bin, "daemon", "start"])).code).toBe(0);
    const oldDaemon = JSON.parse((await run(sb, [bin, "daemon", "status", "--json"])).stdout) as { pid: number; version: string };
    expect(oldDaemon.version).toBe(CURRENT);
    const oldInode = statSync(bin).ino;
    const from = server.requests.length;

    const upgrading = run(sb, [bin, "upgrade"]);
    let done = false;
    void upgrading.then(() => (done = true));
    const seen: string[] = [];
    while (!done) {
      const r = await run(sb, [bin, "--version"]);
      seen.push(r.code === 0 ? r.stdout.trim() : `exit ${r.code}: ${r.stderr.trim()}`);
    }
    const r = await upgrading;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ Upgraded blue ${CURRENT} → ${NEXT} at ${bin}`);
    expect(r.stdout).toContain(`✓ Daemon restarted on blue ${NEXT}`);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s !== `blue ${CURRENT}` && s !== `blue ${NEXT}`)).toEqual([]);

    expect(server.requests.slice(from)).toEqual(["/latest/VERSION", `/v${NEXT}/SHA256SUMS`, `/v${NEXT}/${ASSET}`]);
    expect(await versionOf(sb, bin)).toBe(`blue ${NEXT}`);
    expect(sha256File(bin)).toBe(sha256File(join(fixtures, NEXT, ASSET)));
    expect(statSync(bin).ino).not.toBe(oldInode);
    expect(statSync(bin).mode & 0o777).toBe(0o755);
    expect(readdirSync(sb.path("bin")).sort()).toEqual([".blue-install", "blue"]);
    const receipt = readFileSync(sb.path("bin", ".blue-install"), "utf8");
    expect(receipt).toStartWith(`installer=install.sh\nversion=${NEXT}\nasset=${ASSET}\nbase=${server.url}\ninstalled_at=`);
    const daemon = JSON.parse((await run(sb, [bin, "daemon", "status", "--json"])).stdout) as { pid: number; version: string };
    expect(daemon.version).toBe(NEXT);
    expect(daemon.pid).not.toBe(oldDaemon.pid);

    // Now the newest: nothing to do, only VERSION asked for.
    const again = server.requests.length;
    const up = await run(sb, [bin, "upgrade"]);
    expect(up.code).toBe(0);
    expect(up.stdout).toBe(`✓ blue ${NEXT} is up to date\n`);
    expect(server.requests.slice(again)).toEqual(["/latest/VERSION"]);
  });

  test("--version installs the release named, older ones too", async () => {
    const { sb, bin } = installed({ from: join(fixtures, NEXT, ASSET) });
    const r = await run(sb, [bin, "upgrade", "--version", `v${CURRENT}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ Downgraded blue ${NEXT} → ${CURRENT}`);
    expect(await versionOf(sb, bin)).toBe(`blue ${CURRENT}`);
    expect((await run(sb, [bin, "upgrade", "--version", CURRENT])).stdout).toBe(`✓ blue ${CURRENT} is already installed (--force reinstalls it)\n`);
  });
});

describe("blue upgrade refuses, and replaces nothing", () => {
  test("a blue install.sh did not install (no receipt), unless --force, which then writes one", async () => {
    const { sb, bin } = installed({ receipt: false });
    const r = await run(sb, [bin, "upgrade"]);
    expectError(r, 1, `${bin} was not installed by install.sh`);
    expect(r.stderr).toContain("--force");
    expect(await versionOf(sb, bin)).toBe(`blue ${CURRENT}`);
    const forced = await run(sb, [bin, "upgrade", "--force"]);
    expect(forced.code).toBe(0);
    expect(await versionOf(sb, bin)).toBe(`blue ${NEXT}`);
    expect(readFileSync(sb.path("bin", ".blue-install"), "utf8")).toStartWith(`installer=blue upgrade --force\nversion=${NEXT}\n`);
  });

  test("a directory this user cannot write, even with --force", async () => {
    const { sb } = installed();
    // root writes anywhere: run as nobody, from a directory nobody can reach (the test run's temp dir is 0700),
    // with a home of its own.
    const asOther = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : [];
    const place = mkdtempSync("/tmp/blue-upgrade-ro-");
    try {
      chmodSync(place, 0o755);
      const bin = join(place, "bin", "blue");
      mkdirSync(join(place, "bin"));
      copyFileSync(BIN, bin);
      chmodSync(bin, 0o755);
      writeFileSync(join(place, "bin", ".blue-install"), "installer=install.sh\n");
      chmodSync(join(place, "bin"), 0o555);
      const home = join(place, "home");
      mkdirSync(home);
      if (asOther.length) chownSync(home, 65534, 65534);
      const env = { HOME: home, BLUE_HOME: join(home, ".blue"), XDG_RUNTIME_DIR: join(home, "run"), TMPDIR: home };
      for (const flags of [[], ["--force"]]) {
        const r = await run(sb, [...asOther, bin, "upgrade", ...flags], env, home);
        expectError(r, 1, `cannot replace ${bin}: its directory is not writable`);
      }
      expect(await versionOf(sb, bin)).toBe(`blue ${CURRENT}`);
    } finally {
      chmodSync(join(place, "bin"), 0o755);
      rmSync(place, { recursive: true, force: true });
    }
  });

  test("no release server: exit 69 in one line", async () => {
    const { sb, bin } = installed();
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const port = closed.port;
    closed.stop(true);
    const r = await run(sb, [bin, "upgrade"], { BLUE_DOWNLOAD_URL: `http://127.0.0.1:${port}` });
    expectError(r, 69, `cannot download the VERSION of the newest release from http://127.0.0.1:${port}/latest/VERSION`);
  });

  test("a server that answers 5xx, or breaks off the download: exit 69, no temp file left", async () => {
    const { sb, bin } = installed();
    const busy = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("try later", { status: 503 }) });
    // Raw HTTP, to end the connection 64 KiB into a body that says it is 100 MiB long.
    const answer = (status: string, head: string, body: string | Uint8Array) => [`HTTP/1.1 ${status}\r\nConnection: close\r\n${head}\r\n`, body] as const;
    const cut = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(sock, req) {
          const path = req.toString().split(" ")[1] ?? "";
          const [head, body] = path.endsWith("/VERSION")
            ? answer("200 OK", "Content-Length: 6\r\n", "9.0.0\n")
            : path.endsWith("/SHA256SUMS")
              ? answer("200 OK", `Content-Length: ${66 + ASSET.length}\r\n`, `${"1".repeat(64)}  ${ASSET}\n`)
              : answer("200 OK", `Content-Length: ${100 << 20}\r\n`, new Uint8Array(1 << 16));
          sock.write(head);
          sock.write(body);
          setTimeout(() => sock.end(), 20);
        },
      },
    });
    try {
      expectError(await run(sb, [bin, "upgrade"], { BLUE_DOWNLOAD_URL: `http://127.0.0.1:${busy.port}` }), 69, `http://127.0.0.1:${busy.port}/latest/VERSION answered 503`);
      expectError(await run(sb, [bin, "upgrade"], { BLUE_DOWNLOAD_URL: `http://127.0.0.1:${cut.port}` }), 69, `the download from http://127.0.0.1:${cut.port}/v9.0.0/${ASSET} broke off`);
    } finally {
      busy.stop(true);
      cut.stop(true);
    }
    expect(await versionOf(sb, bin)).toBe(`blue ${CURRENT}`);
    expect(readdirSync(sb.path("bin")).sort()).toEqual([".blue-install", "blue"]);
  });

  test("a download that does not match SHA256SUMS: exit 1, no temp file left", async () => {
    const { sb, bin } = installed();
    const r = await run(sb, [bin, "upgrade", "--version", "9.9.9"]);
    expectError(r, 1, `checksum mismatch for ${ASSET} 9.9.9: SHA256SUMS says ${"0".repeat(64)}`);
    expect(r.stderr).toContain("nothing was replaced");
    expect(await versionOf(sb, bin)).toBe(`blue ${CURRENT}`);
    expect(readdirSync(sb.path("bin")).sort()).toEqual([".blue-install", "blue"]);
  });

  test("a binary that is not the version its release says", async () => {
    const { sb, bin } = installed();
    expectError(await run(sb, [bin, "upgrade", "--version", "8.8.8"]), 1, `the downloaded binary says 'blue ${NEXT}', not 'blue 8.8.8'`);
    expect(await versionOf(sb, bin)).toBe(`blue ${CURRENT}`);
    expect(readdirSync(sb.path("bin")).sort()).toEqual([".blue-install", "blue"]);
  });

  test("a release that does not exist (exit 1), a --version that is no version (exit 64), a base that is no URL (64)", async () => {
    const { sb, bin } = installed();
    expectError(await run(sb, [bin, "upgrade", "--version", "7.7.7"]), 1, `not found: SHA256SUMS of v7.7.7 (${server.url}/v7.7.7/SHA256SUMS, 404)`);
    expectError(await run(sb, [bin, "upgrade", "--version", "latest"]), 64, "--version must be a release version like 1.2.3, not 'latest'");
    expectError(await run(sb, [bin, "upgrade"], { BLUE_DOWNLOAD_URL: "ftp://user:secret@mirror/blue" }), 64, "BLUE_DOWNLOAD_URL must be an http(s) URL, not 'ftp://***@mirror/blue'");
    expect(await versionOf(sb, bin)).toBe(`blue ${CURRENT}`);
  });

  test("blue run from source by bun", async () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    const r = await run(sb, ["bun", resolve(import.meta.dir, "../../src/cli.ts"), "upgrade", "--check"]);
    expectError(r, 1, "blue upgrade replaces a compiled blue, and this one runs from source");
  });
});
