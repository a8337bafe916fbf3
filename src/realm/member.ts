// A member repo and its .blue/config.yaml, read on the start-up path. When the file is the plain YAML blue
// writes and every field is valid, Bun's YAML parser and a plain test of each field read it: no `yaml`, no zod
// (together ~7 ms of a ~20 ms `blue realm status`). Anything else gives undefined, and workspace.ts reads the
// file the exact way, which says what is wrong with it at file:line:col.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isSafeName } from "./names.ts";
import type { LocalConfig } from "./schema.ts";
import { fastParse, NOT_A_STRING } from "../yaml/fast.ts";
import { CONFIG_PATH } from "../system/repo-root.ts";

export type Member = { root: string; config: LocalConfig; configPath: string };

/** The member repo at `root` when its config is plain and valid; undefined when absent or anything else. */
export function quickMember(root: string): Member | undefined {
  const configPath = join(root, CONFIG_PATH);
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch {
    return undefined;
  }
  const config = asWritten(text) ?? plainConfig(fastParse(text));
  return config && { root, config, configPath };
}

/** The file exactly as blue writes it (its comment, then the realm's name and url, then the repo), with values that
 *  YAML reads as these very strings: one regular expression and no YAML parser. The general fast path costs a
 *  process ~0.45 ms (its scan's regular expressions are compiled on first use), a third of what is left of
 *  reading the config in `blue realm status`. A file edited by hand takes that path, or the exact one. */
const AS_WRITTEN = /^(?:#[^\n]*\n|\n)*realm:\n {2}name: (\S+)\n {2}url: (\S+)\nrepo: (\S+)\n?$/;
/** A URL that is a plain scalar as it stands: no indicator first, no space, quote or comment, no `:` last. */
const PLAIN_URL = /^[A-Za-z0-9._~/][A-Za-z0-9._~/@%+=:-]*$/;

export function asWritten(text: string): LocalConfig | undefined {
  const m = AS_WRITTEN.exec(text);
  if (!m) return undefined;
  const name = m[1]!;
  const url = m[2]!;
  const repo = m[3]!;
  if (!isSafeName(name) || !isSafeName(repo) || !PLAIN_URL.test(url) || url.endsWith(":")) return undefined;
  if (NOT_A_STRING.test(name) || NOT_A_STRING.test(repo) || NOT_A_STRING.test(url)) return undefined;
  return { realm: { name, url }, repo };
}

/** `value` as LocalConfig when that schema takes it as it is (strict objects, valid names, a url); else undefined. */
export function plainConfig(value: unknown): LocalConfig | undefined {
  if (!hasExactly(value, ["realm", "repo"]) || !hasExactly(value.realm, ["name", "url"])) return undefined;
  const { name, url } = value.realm;
  if (!isSafeName(name) || typeof url !== "string" || url.length === 0 || !isSafeName(value.repo)) return undefined;
  return { realm: { name, url }, repo: value.repo };
}

/** A plain object whose own keys are exactly `keys`. */
function hasExactly<K extends string>(v: unknown, keys: readonly K[]): v is Record<K, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(v, k));
}
