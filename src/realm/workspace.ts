// Where a command runs: the member repo around the working directory, its .blue/config.yaml, and the realm
// clone it points at (cloned on first use when a teammate's checkout names a realm this machine lacks).
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { realmLocation } from "../system/home.ts";
import { quickMember, type Member } from "./member.ts";
import { CONFIG_PATH, findRepoRoot } from "../system/repo-root.ts";
import { LocalConfig } from "./schema.ts";
import { readValidated } from "../yaml/source.ts";

export { CONFIG_PATH, findRepoRoot, realmLocation, type Member };

export function requireRepoRoot(dir: string = process.cwd()): string {
  const root = findRepoRoot(dir);
  if (!root) throw new UsageError(`${resolve(dir)} is not inside a git repository`, "Run blue from inside the repo you want to work with (cd into it).");
  return root;
}

/** The member repo's config, or undefined when the repo has not joined a realm. */
export function readMember(root: string): Member | undefined {
  const quick = quickMember(root);
  if (quick) return quick;
  const configPath = join(root, CONFIG_PATH);
  if (!existsSync(configPath)) return undefined;
  const { value } = readValidated(configPath, CONFIG_PATH, LocalConfig);
  return { root, config: value, configPath };
}

export function requireMember(dir: string = process.cwd()): Member {
  const root = requireRepoRoot(dir);
  const member = readMember(root);
  if (!member) {
    throw new UsageError(`${basename(root)} has not joined a realm (no ${CONFIG_PATH})`, "Run 'blue realm admin join <realm>' in this repo first.");
  }
  return member;
}

/** The realm to act on: --realm if given, else the one this repo belongs to. */
export function resolveRealmName(flag: string | undefined, dir: string = process.cwd()): string {
  if (flag) return flag;
  const root = findRepoRoot(dir);
  const member = root ? readMember(root) : undefined;
  if (!member) {
    throw new UsageError("no realm given and this directory is not in a member repo", "Pass --realm <name>, or run the command inside a repo that has joined a realm.");
  }
  return member.config.realm.name;
}
