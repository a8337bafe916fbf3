// Where blue keeps its state (DESIGN.md §2). Everything is derived from BLUE_HOME so tests never touch ~/.blue.
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UnknownName } from "../errors.ts";

export function blueHome(): string {
  return process.env.BLUE_HOME || join(homedir(), ".blue");
}
/** The managed clone of a realm. */
export function realmClonePath(name: string): string {
  return join(blueHome(), "realms", name);
}
/** The embedded default remote: a bare repo, so a realm works on one machine with no server. */
export function defaultRemotePath(name: string): string {
  return join(blueHome(), "remotes", `${name}.git`);
}

/** Where a realm's clone is; whether it exists; and the embedded default remote if that exists. */
export function realmLocation(name: string): { clone: string; cloned: boolean; defaultRemote?: string } {
  const clone = realmClonePath(name);
  const remote = defaultRemotePath(name);
  return {
    clone,
    cloned: existsSync(join(clone, ".git")),
    defaultRemote: existsSync(remote) && statSync(remote).isDirectory() ? remote : undefined,
  };
}

/** The realms cloned on this machine, by name. */
export function clonedRealms(): string[] {
  const dir = join(blueHome(), "realms");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, ".git")))
    .map((e) => e.name)
    .sort();
}

/** A realm named on the command line that is not cloned here: which ones are, and how to clone it. */
export function unknownRealm(name: string): UnknownName {
  const here = clonedRealms();
  const join_ = `a realm is cloned when a repo joins it: blue realm admin join ${name} --url <git-url>`;
  const hint = here.length ? `Realms cloned on this machine: ${here.join(", ")}; ${join_}` : `No realm is cloned on this machine; ${join_}`;
  return new UnknownName(`unknown realm '${name}': it is not cloned on this machine`, hint, name, here);
}

/** blue.pid and daemon.json: $XDG_RUNTIME_DIR/blue, else /var/run/blue if writable, else $BLUE_HOME/run. */
export function runtimeDir(): string {
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, "blue");
  try {
    accessSync("/var/run/blue", constants.W_OK);
    return "/var/run/blue";
  } catch {
    return join(blueHome(), "run");
  }
}

export const daemonFiles = () => ({
  db: join(blueHome(), "daemon.db"),
  token: join(blueHome(), "daemon.token"),
  log: join(blueHome(), "daemon.log"),
  pid: join(runtimeDir(), "blue.pid"),
  info: join(runtimeDir(), "daemon.json"),
  startLock: join(runtimeDir(), "start.lock"),
});

export const DEFAULT_DAEMON_PORT = 7865;
export function daemonPort(): number {
  const v = process.env.BLUE_DAEMON_PORT;
  if (v === undefined || v === "") return DEFAULT_DAEMON_PORT;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n < 65536 ? n : DEFAULT_DAEMON_PORT;
}
