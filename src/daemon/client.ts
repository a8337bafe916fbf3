// The CLI's side of the daemon: find it through daemon.json, start it when asked (one daemon however many
// clients start at once: the start lock, then a second look), replace one of another version, and talk to it
// through the client typed from the Hono app.
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { hc } from "hono/client";
import pkg from "../../package.json" with { type: "json" };
import { BlueError, DaemonUnavailable } from "../errors.ts";
import { daemonFiles } from "../system/home.ts";
import { withLock } from "../system/lock.ts";
import { ensurePrivateDir, PRIVATE_FILE, restrictFile } from "../system/private.ts";
import type { App } from "./app.ts";
import type { DaemonInfo } from "./server.ts";
import { processAlive } from "../system/process-alive.ts";
import { VERSION_HEADER } from "./wire.ts";

const START_TIMEOUT_MS = 10_000;
const QUICK_ASK_MS = 2_000;

export function readDaemonInfo(): DaemonInfo | undefined {
  try {
    return JSON.parse(readFileSync(daemonFiles().info, "utf8")) as DaemonInfo;
  } catch {
    return undefined;
  }
}

export async function health(port: number, timeoutMs = 1000): Promise<{ version: string; pid: number; started_at: string } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? ((await res.json()) as { version: string; pid: number; started_at: string }) : undefined;
  } catch {
    return undefined;
  }
}


export function makeClient(port: number, token: string, init?: RequestInit) {
  return hc<App>(`http://127.0.0.1:${port}`, { headers: { Authorization: `Bearer ${token}` }, ...(init ? { init } : {}) });
}
export type DaemonClient = ReturnType<typeof makeClient>;
export type Connection = { client: DaemonClient; info: DaemonInfo };

function readToken(): string {
  const path = daemonFiles().token;
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    throw new DaemonUnavailable(`cannot read the daemon's token (${path})`, "Restart the daemon so it writes a new one: blue daemon stop && blue daemon start");
  }
}

function connect(info: DaemonInfo): Connection {
  return { client: makeClient(info.port, readToken()), info };
}

/** A running daemon of this version, if there is one. */
async function running(): Promise<DaemonInfo | undefined> {
  const info = readDaemonInfo();
  if (!info) return undefined;
  const h = await health(info.port);
  return h && h.pid === info.pid && h.version === pkg.version ? info : undefined;
}

/** Connect to the daemon; with `start`, start it first when it is not running. */
export async function ensureDaemon(opts: { start: boolean }): Promise<Connection> {
  const found = await running();
  if (found) return connect(found);
  if (!opts.start) throw new DaemonUnavailable("the blue daemon is not running", "Start it with 'blue daemon start'.");
  const files = daemonFiles();
  ensurePrivateDir(dirname(files.startLock));
  return withLock(files.startLock, async () => {
    const raced = await running();
    if (raced) return connect(raced);
    await stopDaemon(); // a daemon of another version, or a stale pid file
    return connect(await spawnDaemon());
  });
}

/**
 * One request to the daemon named by daemon.json without asking /health first (a round trip a warm `blue realm
 * status` would otherwise pay): the answer's version header says whether a daemon of this version gave it.
 * When none did (nothing listens, a stale daemon.json, another version), `ensureDaemon` and ask again.
 */
export async function askDaemon<R extends { headers: Headers }>(opts: { start: boolean }, ask: (c: Connection) => Promise<R>): Promise<{ conn: Connection; res: R }> {
  const info = readDaemonInfo();
  if (info) {
    try {
      // Bounded: whatever listens on that port now may never answer. (A daemon still reading a large realm
      // for the first time may not answer in time either: it is then asked again, without the bound.)
      const token = readToken();
      const res = await ask({ client: makeClient(info.port, token, { signal: AbortSignal.timeout(QUICK_ASK_MS) }), info });
      if (res.headers.get(VERSION_HEADER) === pkg.version) return { conn: { client: makeClient(info.port, token), info }, res };
    } catch {}
  }
  const conn = await ensureDaemon(opts);
  return { conn, res: await ask(conn) };
}

async function spawnDaemon(): Promise<DaemonInfo> {
  const files = daemonFiles();
  ensurePrivateDir(dirname(files.log));
  const logFd = openSync(files.log, "a", PRIVATE_FILE);
  restrictFile(files.log);
  // Compiled: the binary itself. From source: bun running cli.ts (NOTES-STACK.md: argv[0] is "bun" when compiled).
  const cmd = Bun.isStandaloneExecutable ? [process.execPath, "__daemon"] : [process.execPath, Bun.main, "__daemon"];
  const child = Bun.spawn(cmd, { detached: true, stdio: ["ignore", logFd, logFd], env: process.env });
  child.unref();
  closeSync(logFd);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const info = readDaemonInfo();
    if (info?.pid === child.pid && (await health(info.port, 500))) return info;
    await Bun.sleep(20);
  }
  const lastLine = readLastLine(files.log);
  throw new DaemonUnavailable(
    `the blue daemon did not start${lastLine ? `: ${lastLine}` : ""}`,
    `See ${files.log}; if port ${process.env.BLUE_DAEMON_PORT ?? 7865} is taken, set BLUE_DAEMON_PORT.`,
  );
}

function readLastLine(path: string): string {
  try {
    const lines = readFileSync(path, "utf8").trim().split("\n");
    return (lines[lines.length - 1] ?? "").replace(/^\S+Z /, "");
  } catch {
    return "";
  }
}

/** Whether `pid` is a blue daemon: it says so on /health, or (hung) its command line says `__daemon`. */
async function isOurDaemon(pid: number, info: DaemonInfo | undefined): Promise<boolean> {
  if (!processAlive(pid)) return false;
  if (info?.pid === pid && (await health(info.port, 1000))?.pid === pid) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("__daemon");
  } catch {
    return false;
  }
}

/** How long a daemon gets to finish its requests after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 5_000;
const KILL_WAIT_MS = 5_000;
// An exited daemon is a zombie until its parent reaps it; its parent is init (the client that started it is
// gone), and some inits reap only every second or two. Until then its pid still answers kill -0.
const REAP_WAIT_MS = 5_000;

export type StopOutcome = "stopped" | "killed" | "not_running";

/** Whether `pid` has exited (a zombie counts) within `ms`. */
async function exits(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}

/** Whether `pid` is gone altogether (reaped: kill -0 fails) within `ms`. */
async function released(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") return true;
    }
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
}

/**
 * Stop the daemon named by the pid file and return only once its process has exited: SIGTERM (it finishes its
 * requests and closes the database), and SIGKILL if it has not exited after `graceMs`. A pid file whose process
 * is gone, or is not a blue daemon (the pid was reused), is stale and only removed.
 */
export async function stopDaemon(graceMs = STOP_GRACE_MS): Promise<StopOutcome> {
  const files = daemonFiles();
  const info = readDaemonInfo();
  let pid = info?.pid ?? Number.NaN;
  try {
    pid = Number.parseInt(readFileSync(files.pid, "utf8").trim(), 10);
  } catch {}
  const removeFiles = () => {
    for (const f of [files.pid, files.info]) {
      try {
        if (!readFileSync(f, "utf8").includes(String(pid))) continue;
      } catch {}
      rmSync(f, { force: true });
    }
  };
  if (!Number.isInteger(pid) || pid <= 0 || !(await isOurDaemon(pid, info))) {
    for (const f of [files.pid, files.info]) rmSync(f, { force: true });
    return "not_running";
  }
  let outcome: StopOutcome = "stopped";
  signal(pid, "SIGTERM");
  if (!(await exits(pid, graceMs))) {
    outcome = "killed";
    signal(pid, "SIGKILL");
    if (!(await exits(pid, KILL_WAIT_MS))) {
      throw new BlueError(`the daemon (pid ${pid}) did not exit, even on SIGKILL`, `See what holds it with: ps -o pid,stat,wchan -p ${pid}`);
    }
  }
  await released(pid, REAP_WAIT_MS);
  // A killed daemon could not remove its files; a stopped one has (this only tidies what names its pid).
  removeFiles();
  return outcome;
}

function signal(pid: number, sig: "SIGTERM" | "SIGKILL"): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
}

/** Unwrap a typed response: the JSON body, or the daemon's error as a BlueError. */
type Success<R extends { json(): Promise<unknown> }> = Exclude<Awaited<ReturnType<R["json"]>>, { error: unknown }>;
export async function body<R extends { ok: boolean; status: number; json(): Promise<unknown> }>(res: R): Promise<Success<R>> {
  if (res.ok) return (await res.json()) as Success<R>;
  let message = `daemon answered ${res.status}`;
  try {
    const err = (await res.json()) as { error?: { message?: string } };
    if (err.error?.message) message = `daemon: ${err.error.message}`;
  } catch {}
  throw new BlueError(message, "See 'blue daemon logs' for what the daemon was doing.");
}
