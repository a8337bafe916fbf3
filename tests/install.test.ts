// install.sh end to end: a local release server in this process laid out as the release contract says
// (docs/releasing.md: vX/<asset>, vX/SHA256SUMS, latest/VERSION), the real script run under `sh` (dash here), a temp
// HOME, install dir and TMPDIR per test (tests/install-sandbox.ts), so nothing touches the real home or PATH. The
// "assets" are this checkout's dist/blue under each release name, so an installed one runs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ASSET, dirs, type Dirs, entries, expectNothingInstalled, expectOneError, expectReceipt, install as runInstall, MUSL, receipt, removeSandboxes, ROOT, SCRIPT, sha256, stub, VERSION, versionOf } from "./install-sandbox.ts";

const BIN = join(ROOT, "dist/blue");

let server: ReturnType<typeof Bun.serve>;
let goodSum = "";
const wrongSum = sha256("not the binary");
const requests: string[] = [];

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'bun run build.ts' before 'bun test' (the test script does)`);
  const binary = readFileSync(BIN);
  goodSum = sha256(binary);
  const sums = (sum: string) => `${sum}  ${ASSET}\n${sum}  ${MUSL}\n${sha256("other")}  blue-darwin-arm64\n`;
  const release = (v: string, sumFile: string): Record<string, () => Response> => ({
    [`/v${v}/${ASSET}`]: () => new Response(binary),
    [`/v${v}/${MUSL}`]: () => new Response(binary),
    [`/v${v}/SHA256SUMS`]: () => new Response(sumFile),
    [`/v${v}/VERSION`]: () => new Response(`${v}\n`),
  });
  const routes: Record<string, () => Response> = {
    ...release(VERSION, sums(goodSum)),
    "/latest/VERSION": () => new Response(`${VERSION}\n`),
    // An older release, for --version.
    ...release("0.0.7", sums(goodSum)),
    // A release whose SHA256SUMS does not match its binaries.
    ...release("0.0.9", sums(wrongSum)),
    // A release whose SHA256SUMS forgot this machine's asset.
    ...release("0.0.6", `${sha256("other")}  blue-darwin-arm64\n`),
    // A mirror of GitHub's layout: /releases/download/vX/… and the /releases/latest/download/… redirect.
    [`/gh/releases/download/v${VERSION}/${ASSET}`]: () => new Response(binary),
    [`/gh/releases/download/v${VERSION}/SHA256SUMS`]: () => new Response(sums(goodSum)),
    "/gh/releases/latest/download/VERSION": () => new Response(`${VERSION}\n`),
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

afterAll(() => {
  server?.stop(true);
  removeSandboxes();
});

/** install.sh against the local release server. */
const install = (d: Dirs, args: string[], opts: { script?: string; env?: Record<string, string> } = {}) =>
  runInstall(d, args, { ...opts, env: { BLUE_DOWNLOAD_URL: `http://127.0.0.1:${server.port}`, ...opts.env } });

describe("a downloaded release", () => {
  test("the newest release for this machine: its number from latest/VERSION, checked against SHA256SUMS, installed with a receipt", async () => {
    const d = dirs();
    const before = requests.length;
    const r = await install(d, []);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(requests.slice(before)).toEqual(["/latest/VERSION", `/v${VERSION}/${ASSET}`, `/v${VERSION}/SHA256SUMS`]);

    const installed = join(d.bin, "blue");
    expect(entries(d.bin)).toEqual([".blue-install", "blue"]);
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    expect(sha256(readFileSync(installed))).toBe(goodSum);
    expect(versionOf(installed)).toBe(`blue ${VERSION}\n`);
    expectReceipt(d, { version: VERSION, asset: ASSET, base: `http://127.0.0.1:${server.port}` });

    // It says what it did, and how to undo it, in lines that can be pasted.
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      `newest release: ${VERSION}`,
      `downloading http://127.0.0.1:${server.port}/v${VERSION}/${ASSET}`,
      `✓ Verified ${ASSET} against SHA256SUMS (sha256 ${goodSum})`,
      "attestation: not checked (BLUE_SKIP_ATTESTATION=1)",
      `✓ Installed blue ${VERSION} to ${installed}`,
      `  receipt: ${d.bin}/.blue-install (lets \`blue upgrade\` replace this binary)`,
      "To uninstall (stop the daemon first: blue daemon stop):",
      `  rm -f '${installed}' '${d.bin}/.blue-install'`,
      `${d.bin} is not on your PATH; add it with: export PATH="${d.bin}:$PATH"`,
    ]);
    expect(entries(d.tmp)).toEqual([]); // the download dir was cleaned up
  });

  test("a password in BLUE_DOWNLOAD_URL is used for the download, but never printed nor written to the receipt", async () => {
    const d = dirs();
    const r = await install(d, [], { env: { BLUE_DOWNLOAD_URL: `http://mirror-user:s3cret-pw@127.0.0.1:${server.port}` } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`downloading http://127.0.0.1:${server.port}/v${VERSION}/${ASSET}`);
    expect(r.stdout + r.stderr).not.toContain("s3cret-pw");
    expect(readFileSync(join(d.bin, ".blue-install"), "utf8")).not.toContain("s3cret-pw");
    expect(receipt(d).base).toBe(`http://127.0.0.1:${server.port}`);
  });

  test("a GitHub-style base (…/releases/download): the newest number comes from …/releases/latest/download/VERSION", async () => {
    const d = dirs();
    const base = `http://127.0.0.1:${server.port}/gh/releases/download`;
    const before = requests.length;
    const r = await install(d, [], { env: { BLUE_DOWNLOAD_URL: `${base}/` } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(requests.slice(before)).toEqual([
      "/gh/releases/latest/download/VERSION",
      `/gh/releases/download/v${VERSION}/${ASSET}`,
      `/gh/releases/download/v${VERSION}/SHA256SUMS`,
    ]);
    expectReceipt(d, { version: VERSION, asset: ASSET, base });
  });

  test("--version pins a release (and so does BLUE_VERSION): only that release is asked for", async () => {
    for (const how of [{ args: ["--version", "0.0.7"] }, { args: ["--version=v0.0.7"] }, { args: [], env: { BLUE_VERSION: "0.0.7" } }]) {
      const d = dirs();
      const before = requests.length;
      const r = await install(d, how.args, { env: how.env });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(requests.slice(before)).toEqual([`/v0.0.7/${ASSET}`, `/v0.0.7/SHA256SUMS`]);
      expect(r.stdout).not.toContain("newest release");
      expectReceipt(d, { version: "0.0.7", asset: ASSET, base: `http://127.0.0.1:${server.port}` });
    }
  });

  test("a checksum that does not match: one error line, nothing installed", async () => {
    const d = dirs();
    const r = await install(d, ["--version", "0.0.9"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: checksum mismatch for ${ASSET} (expected ${wrongSum}, got ${goodSum})\n`);
    expect(r.stdout).not.toContain("Installed");
    expectNothingInstalled(d);
  });

  test("SHA256SUMS without a line for this machine's asset: refused, nothing installed", async () => {
    const d = dirs();
    const r = await install(d, ["--version", "0.0.6"]);
    expectOneError(r, `SHA256SUMS of v0.0.6 has no line for ${ASSET}`);
    expectNothingInstalled(d);
  });

  test("a release asset that does not exist (404): one error line, nothing installed", async () => {
    const d = dirs();
    const r = await install(d, [], { env: { BLUE_VERSION: "0.0.8" } });
    expectOneError(r, `could not download http://127.0.0.1:${server.port}/v0.0.8/${ASSET}`);
    expect(r.stderr).toContain("404");
    expectNothingInstalled(d);
  });
});

describe("musl", () => {
  test("BLUE_LIBC=musl takes the -musl asset", async () => {
    const d = dirs();
    const before = requests.length;
    const r = await install(d, [], { env: { BLUE_LIBC: "musl" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(requests.slice(before)).toEqual(["/latest/VERSION", `/v${VERSION}/${MUSL}`, `/v${VERSION}/SHA256SUMS`]);
    expect(r.stdout).toContain(`✓ Verified ${MUSL} against SHA256SUMS`);
    expectReceipt(d, { version: VERSION, asset: MUSL, base: `http://127.0.0.1:${server.port}` });
  });

  test("detected from ldd: Alpine's says musl (-musl asset), Debian's says GLIBC (the plain one)", async () => {
    // Alpine's `ldd --version` prints its banner on stderr and exits 1.
    const alpine = dirs();
    stub(alpine, "ldd", 'echo "musl libc (x86_64)" >&2; echo "Version 1.2.5" >&2; exit 1');
    const a = await install(alpine, ["--version", VERSION]);
    expect(a.code).toBe(0);
    expect(receipt(alpine).asset).toBe(MUSL);

    const debian = dirs();
    stub(debian, "ldd", 'echo "ldd (Debian GLIBC 2.36-9+deb12u14) 2.36"');
    const b = await install(debian, ["--version", VERSION]);
    expect(b.code).toBe(0);
    expect(receipt(debian).asset).toBe(ASSET);
  });

  test("BLUE_LIBC other than glibc or musl: exit 64, nothing installed", async () => {
    const d = dirs();
    const r = await install(d, [], { env: { BLUE_LIBC: "uclibc" } });
    expectOneError(r, "BLUE_LIBC must be glibc or musl, not 'uclibc'");
    expect(r.code).toBe(64);
    expectNothingInstalled(d);
  });
});

describe("attestation", () => {
  // A gh that logs its argv and answers `attestation verify` with $GH_VERIFY_EXIT.
  const fakeGh = (d: Dirs) =>
    stub(d, "gh", `printf '%s\\n' "$*" >> "${join(d.root, "gh.log")}"\n[ "$1" = auth ] && exit 0\necho "verification failed: no attestations found" >&2\nexit "\${GH_VERIFY_EXIT:-0}"`);
  const ghCalls = (d: Dirs) => (existsSync(join(d.root, "gh.log")) ? readFileSync(join(d.root, "gh.log"), "utf8").trimEnd().split("\n") : []);

  test("with gh on PATH the download is checked with gh attestation verify --repo blue-realm/blue", async () => {
    const d = dirs();
    fakeGh(d);
    const r = await install(d, [], { env: { BLUE_SKIP_ATTESTATION: "" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const calls = ghCalls(d);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toBe("auth status");
    expect(calls[1]).toMatch(new RegExp(`^attestation verify ${d.tmp}/blue-install\\.\\w+/${ASSET} --repo blue-realm/blue$`));
    expect(r.stdout).toContain(`✓ Verified the build attestation of ${ASSET} (gh attestation verify --repo blue-realm/blue)`);
  });

  test("an attestation gh cannot verify: refused, nothing installed", async () => {
    const d = dirs();
    fakeGh(d);
    const r = await install(d, [], { env: { BLUE_SKIP_ATTESTATION: "", GH_VERIFY_EXIT: "1" } });
    expectOneError(r, `gh attestation verify found no valid attestation for ${ASSET} from blue-realm/blue: verification failed: no attestations found`);
    expect(r.stderr).toContain("BLUE_SKIP_ATTESTATION=1");
    expectNothingInstalled(d);
  });

  test("gh installed but not logged in: not checked, with a note (the SHA256SUMS check stands)", async () => {
    const d = dirs();
    stub(d, "gh", `printf '%s\\n' "$*" >> "${join(d.root, "gh.log")}"\nexit 1`);
    const r = await install(d, [], { env: { BLUE_SKIP_ATTESTATION: "" } });
    expect(r.code).toBe(0);
    expect(ghCalls(d)).toEqual(["auth status"]);
    expect(r.stdout).toContain("attestation: not checked (gh is not logged in; the SHA256SUMS check stands)\n");
  });

  test("BLUE_SKIP_ATTESTATION=1 does not run gh; without gh it is skipped with a note", async () => {
    const d = dirs();
    fakeGh(d);
    const r = await install(d, []);
    expect(r.code).toBe(0);
    expect(ghCalls(d)).toEqual([]);
    expect(r.stdout).toContain("attestation: not checked (BLUE_SKIP_ATTESTATION=1)");
  });
});

test("piped into sh, as the README's curl line runs it", async () => {
  const d = dirs();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("BLUE_")) env[k] = v;
  const proc = Bun.spawn(["sh", "-s", "--", "--version", VERSION], {
    cwd: d.home,
    env: { ...env, HOME: d.home, TMPDIR: d.tmp, BLUE_INSTALL_DIR: d.bin, BLUE_DOWNLOAD_URL: `http://127.0.0.1:${server.port}`, BLUE_SKIP_ATTESTATION: "1" },
    stdin: Bun.file(SCRIPT),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(stdout).toContain(`✓ Installed blue ${VERSION} to ${d.bin}/blue\n`);
  expect(entries(d.bin)).toEqual([".blue-install", "blue"]);
});

test("a download cut short runs nothing: all of it is inside main(), called on the last line", async () => {
  const d = dirs();
  const cut = readFileSync(SCRIPT, "utf8").split('\nmain "$@"\n')[0]!;
  expect(cut.length).toBeLessThan(readFileSync(SCRIPT, "utf8").length);
  const before = requests.length;
  const proc = Bun.spawn(["sh", "-s"], { cwd: d.home, env: { ...process.env, HOME: d.home, TMPDIR: d.tmp, BLUE_INSTALL_DIR: d.bin, BLUE_DOWNLOAD_URL: `http://127.0.0.1:${server.port}` }, stdin: new Blob([cut]), stdout: "pipe", stderr: "pipe" });
  expect(await proc.exited).toBe(0);
  expect(await new Response(proc.stdout).text()).toBe("");
  expect(requests.length).toBe(before);
  expectNothingInstalled(d);
});

describe("arguments", () => {
  test("an unknown flag: exit 64 with one error line, nothing installed", async () => {
    const d = dirs();
    const r = await install(d, ["--bogus"]);
    expectOneError(r, "--bogus");
    expect(r.code).toBe(64);
    expectNothingInstalled(d);
  });

  test("a --version that is not a version (it becomes part of a URL): exit 64", async () => {
    const d = dirs();
    const r = await install(d, ["--version", "1.0/../../x"]);
    expectOneError(r, "'1.0/../../x' is not a release version");
    expect(r.code).toBe(64);
    expectNothingInstalled(d);
  });

  test("--help prints usage and installs nothing", async () => {
    const d = dirs();
    const r = await install(d, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("Usage: install.sh");
    expect(r.stdout).toContain("--from-source");
    expect(r.stdout).toContain("BLUE_LIBC");
    expect(r.stderr).toBe("");
    expect(entries(d.bin)).toEqual([]);
  });
});

describe("POSIX sh", () => {
  test("install.sh claims sh and shellcheck -s sh finds nothing in it", () => {
    expect(readFileSync(SCRIPT, "utf8").split("\n")[0]).toBe("#!/bin/sh");
    const r = spawnSync("shellcheck", ["-s", "sh", SCRIPT], { encoding: "utf8" });
    if (r.error) throw new Error("shellcheck is not installed (Debian: apt-get install shellcheck; .ci/run does it)");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  test("the same check fails on a bashism, so it can fail", () => {
    const d = dirs();
    const planted = join(d.root, "install.sh");
    writeFileSync(planted, readFileSync(SCRIPT, "utf8").replace("set -eu\n", "set -euo pipefail\nlocal_arr=(a b)\n"));
    const r = spawnSync("shellcheck", ["-s", "sh", planted], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("SC3040"); // pipefail is not POSIX
    expect(r.stdout).toContain("SC3030"); // nor are arrays
  });
});
