// `blue upgrade`, the effects: ask the release server which version is newest, download the asset beside the
// binary, check it against SHA256SUMS and run it once, then rename it over the running binary (one rename: the
// path always holds a whole blue, old or new), rewrite install.sh's receipt and restart a daemon of the old one.
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, renameSync, rmSync, chmodSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { health, readDaemonInfo, stopDaemon } from "../daemon/client.ts";
import { BlueError, Refused, Unreachable, UsageError } from "../errors.ts";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { FROM_SOURCE } from "../system/build-info.ts";
import { runBounded } from "../system/subprocess.ts";
import { planUpgrade, refusal, requestedVersion, type Installation, type UpgradePlan, type UpgradeReport } from "./plan.ts";
import { assetUrl, downloadBase, parseReceipt, parseSha256Sums, parseVersionAsset, RECEIPT_NAME, redact, upgradedReceipt } from "./release.ts";

/** The downloaded binary does not match SHA256SUMS: nothing was replaced. */
export class ChecksumMismatch extends BlueError {}

export type UpgradeOptions = {
  check: boolean;
  force: boolean;
  /** --version, as given. */
  version?: string;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** The running binary and what it is (process.execPath, Bun.isStandaloneExecutable, build-info's). */
  self: { path: string; compiled: boolean; version: string; target: string };
  /** Told before each slow step (a ~110 MB download), for stderr. */
  progress?: (text: string) => void;
};

const SMOKE_TIMEOUT_MS = 30_000;
// Bounds on a server that accepts and never answers: VERSION and SHA256SUMS are a few bytes, the binary ~110 MB.
const SMALL_TIMEOUT_MS = 30_000;
const BINARY_TIMEOUT_MS = 15 * 60_000;
const DAEMON_START_TIMEOUT_MS = 30_000;

export function inspectInstallation(self: UpgradeOptions["self"]): Installation {
  const dir = dirname(self.path);
  let writable = true;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    writable = false;
  }
  return { path: self.path, compiled: self.compiled && self.target !== FROM_SOURCE, target: self.target, receipt: existsSync(receiptPath(self.path)), writable };
}

const receiptPath = (binary: string) => join(dirname(binary), RECEIPT_NAME);

function readReceipt(binary: string): Map<string, string> | undefined {
  try {
    return parseReceipt(readFileSync(receiptPath(binary), "utf8"));
  } catch {
    return undefined;
  }
}

export async function upgrade(opts: UpgradeOptions): Promise<UpgradeReport> {
  const inst = inspectInstallation(opts.self);
  const refused = refusal(inst, opts);
  if (refused) throw new Refused(refused.message, refused.hint);
  const base = downloadBase(opts.env, readReceipt(inst.path)?.get("base"));
  let available: string;
  if (opts.version !== undefined) {
    const v = requestedVersion(opts.version);
    if (!v) throw new UsageError(`--version must be a release version like 1.2.3, not '${opts.version}'`, "Give the number without a leading v, as the releases page lists it: blue upgrade --version 1.2.3.");
    available = v;
  } else {
    available = await latestVersion(base);
  }
  const plan = planUpgrade({ current: opts.self.version, available, pinned: opts.version !== undefined, force: opts.force, target: inst.target, base });
  const report: UpgradeReport = { ...plan, binary_url: redact(plan.binary_url), sums_url: redact(plan.sums_url), path: inst.path, replaced: false, daemon: null };
  if (opts.check || plan.action === "none") return report;
  await replaceBinary(plan, inst.path, opts.progress);
  rewriteReceipt(inst.path, plan, base, opts.now());
  return { ...report, replaced: true, daemon: await restartDaemon(inst.path, plan.available) };
}

/** GET `url`: an unreachable server or a 5xx is exit 69 (try again later), a 404 or other refusal exit 1. */
async function get(url: string, what: string, timeoutMs = SMALL_TIMEOUT_MS): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new Unreachable(`cannot download ${what} from ${redact(url)}: ${oneLine(e)}`, RETRY_HINT);
  }
  if (res.ok) return res;
  await res.body?.cancel();
  if (res.status >= 500) throw new Unreachable(`cannot download ${what}: ${redact(url)} answered ${res.status}`, RETRY_HINT);
  if (res.status === 404) {
    throw new Refused(`not found: ${what} (${redact(url)}, 404)`, "Check the version and BLUE_DOWNLOAD_URL; the releases are listed at https://github.com/blue-realm/blue/releases.");
  }
  throw new Refused(`cannot download ${what}: ${redact(url)} answered ${res.status}`, "Check BLUE_DOWNLOAD_URL (a mirror may need credentials); the releases are listed at https://github.com/blue-realm/blue/releases.");
}

const RETRY_HINT = "Check the network (and BLUE_DOWNLOAD_URL if you set it), then run blue upgrade again; nothing was replaced.";
const oneLine = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0];

async function latestVersion(base: string): Promise<string> {
  const url = assetUrl(base, "latest", "VERSION");
  const text = await (await get(url, "the VERSION of the newest release")).text();
  const v = parseVersionAsset(text);
  if (!v) throw new Refused(`the VERSION of the newest release (${redact(url)}) does not hold a version: '${text.trim().slice(0, 40)}'`, "BLUE_DOWNLOAD_URL may not be a blue release server; give a version with --version X, or unset it to use GitHub's releases.");
  return v;
}

/** Download, verify and try the new binary beside the old one, then rename it over the old one. On any failure
 *  the temp file is removed and the old binary is untouched. */
async function replaceBinary(plan: UpgradePlan, path: string, progress?: (text: string) => void): Promise<void> {
  const sums = parseSha256Sums(await (await get(plan.sums_url, `SHA256SUMS of v${plan.available}`)).text());
  const expected = sums.get(plan.asset);
  if (!expected) throw new Refused(`SHA256SUMS of v${plan.available} has no line for ${plan.asset}`, "This release has no build for this OS and CPU.");
  // Same directory: the final rename cannot cross file systems, so it is atomic.
  const tmp = join(dirname(path), `.${basename(path)}.upgrade-${process.pid}.tmp`);
  let renamed = false;
  try {
    progress?.(`Downloading ${plan.asset} ${plan.available} from ${redact(plan.binary_url)}`);
    const actual = await download(await get(plan.binary_url, `${plan.asset} ${plan.available}`, BINARY_TIMEOUT_MS), tmp, plan.binary_url);
    if (actual !== expected) {
      throw new ChecksumMismatch(
        `checksum mismatch for ${plan.asset} ${plan.available}: SHA256SUMS says ${expected}, the download is ${actual}; nothing was replaced`,
        "Try again; if it persists, the release or the mirror (BLUE_DOWNLOAD_URL) is damaged: report it.",
      );
    }
    chmodSync(tmp, 0o755);
    await smokeTest(tmp, plan.available);
    renameSync(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) rmSync(tmp, { force: true });
  }
}

/** Stream the body into `tmp` (created new, 0600 until verified) and return its sha256. */
async function download(res: Response, tmp: string, url: string): Promise<string> {
  const hash = createHash("sha256");
  rmSync(tmp, { force: true }); // left by a killed upgrade whose pid this one has now
  const fd = openSync(tmp, "wx", 0o600);
  const write = (chunk: Uint8Array) => {
    try {
      for (let off = 0; off < chunk.byteLength; ) off += writeSync(fd, chunk, off);
    } catch (e) {
      throw new BlueError(`cannot write ${tmp}: ${oneLine(e)}; nothing was replaced`, "Free some space on that disk (the new binary is written beside the old one), then run blue upgrade again.");
    }
  };
  try {
    if (!res.body) throw new Unreachable(`the download from ${redact(url)} has no body`, RETRY_HINT);
    for await (const chunk of res.body) {
      hash.update(chunk);
      write(chunk);
    }
  } catch (e) {
    if (e instanceof BlueError) throw e;
    throw new Unreachable(`the download from ${redact(url)} broke off: ${oneLine(e)}`, RETRY_HINT);
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** The new binary runs here and is the version it claims to be. */
async function smokeTest(tmp: string, version: string): Promise<void> {
  const r = await runBounded([tmp, "--version"], { cwd: dirname(tmp), timeoutMs: SMOKE_TIMEOUT_MS });
  const said = r.stdout.trim();
  if (r.code !== 0) {
    throw new BlueError(
      `the downloaded blue ${version} does not run on this machine (--version ${r.timedOut ? "timed out" : `exited ${r.code}`}); nothing was replaced`,
      "Report it at https://github.com/blue-realm/blue/issues with the output of blue version --verbose; blue stays at the version it is.",
    );
  }
  if (said !== `blue ${version}`) {
    throw new BlueError(`the downloaded binary says '${said.slice(0, 60)}', not 'blue ${version}'; nothing was replaced`, "The release or the mirror (BLUE_DOWNLOAD_URL) serves the wrong file: report it.");
  }
}

function rewriteReceipt(path: string, plan: UpgradePlan, base: string, at: Date): void {
  // Forced over a binary install.sh did not put there: from now on blue upgrade owns it.
  const old = readReceipt(path) ?? new Map([["installer", "blue upgrade --force"]]);
  writeFileAtomic(receiptPath(path), upgradedReceipt(old, { version: plan.available, asset: plan.asset, base: redact(base), at }));
}

/**
 * A daemon running another version than the one now installed is stopped, and the new binary starts its own
 * (`blue daemon start`); if that fails, the next command that needs a daemon starts it.
 */
async function restartDaemon(path: string, version: string): Promise<"restarted" | "stopped" | null> {
  const info = readDaemonInfo();
  const h = info ? await health(info.port) : undefined;
  if (!info || !h || h.pid !== info.pid || h.version === version) return null;
  await stopDaemon();
  const r = await runBounded([path, "daemon", "start"], { cwd: dirname(path), timeoutMs: DAEMON_START_TIMEOUT_MS });
  return r.code === 0 ? "restarted" : "stopped";
}
