// The worlds the write benchmark (bench/writes.ts) runs in, each in a sandbox like the e2e tests' (its own
// BLUE_HOME, runtime dir, port 0, git identity): the RFC's two-repo realm on a local bare remote, with a bare
// copy of it for the plain-git floor (so the floor's pushes never change what blue reads), and a 200-repo /
// 1,000-contract realm made by bench/generate-realm.ts for the scale row.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateRealm, type RealmSize } from "./generate-realm.ts";
import { BIN, sandboxEnv, sh } from "./measure.ts";

export type Env = Record<string, string>;

export const VALUE = { read: ["jobs/*/masks/*", "training-runs/*"], write: ["training-metrics/*"], delete: [] as string[] };

/** A git repo with one commit at `dir`. */
export function plainRepo(dir: string, env: Env): string {
  mkdirSync(dir, { recursive: true });
  sh(["git", "init", "-q"], dir, env);
  writeFileSync(join(dir, "README.md"), "# repo\n");
  sh(["git", "add", "README.md"], dir, env);
  sh(["git", "commit", "-qm", "initial"], dir, env);
  return dir;
}

export type SmallWorld = {
  tmp: string;
  env: Env;
  aperture: string;
  fungal: string;
  /** The realm's bare remote and blue's clone of it. */
  remote: string;
  clone: string;
  /** The floor's own bare copy of the realm, and its clone. */
  floorRemote: string;
  floorClone: string;
  /** aperture's code: the value `blue realm sync` publishes. */
  writeCode: (v: typeof VALUE) => void;
};

/**
 * The RFC's Initial Setup (init, aperture joins, domain s3-access with contract s3-permissions, fungal joins),
 * aperture's export read from config/s3.json, one sync and its acknowledgement done (so the realm is in sync and
 * has a little history), a daemon running as on a developer's machine, and each repo with an `origin` (for pr).
 */
export function smallWorld(): SmallWorld {
  const { tmp, env } = sandboxEnv();
  const aperture = plainRepo(join(tmp, "aperture"), env);
  const fungal = plainRepo(join(tmp, "fungal"), env);
  for (const [name, dir] of [["aperture", aperture], ["fungal", fungal]] as const) {
    sh(["git", "init", "-q", "--bare", join(tmp, "origins", `${name}.git`)], tmp, env);
    sh(["git", "remote", "add", "origin", join(tmp, "origins", `${name}.git`)], dir, env);
    sh(["git", "push", "-q", "origin", "HEAD"], dir, env);
  }
  sh([BIN, "daemon", "start"], tmp, env);
  sh([BIN, "realm", "admin", "init", "--name", "bench"], tmp, env);
  sh([BIN, "realm", "admin", "join", "bench"], aperture, env);
  sh([BIN, "realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions"], aperture, env);
  sh([BIN, "realm", "admin", "join", "bench"], fungal, env);
  const clone = join(env.BLUE_HOME!, "realms", "bench");
  const remote = join(env.BLUE_HOME!, "remotes", "bench.git");
  const binding = join(clone, "domains/s3-access/bindings/aperture.yaml");
  writeFileSync(binding, readFileSync(binding, "utf8").replace("source_files: []", "source_files: []\n    extract:\n      file: config/s3.json\n      pointer: /permissions"));
  sh(["git", "commit", "-qam", "aperture's export is read from its code"], clone, env);
  sh(["git", "push", "-q", "origin", "main"], clone, env);
  mkdirSync(join(aperture, "config"));
  const writeCode = (v: typeof VALUE) => writeFileSync(join(aperture, "config/s3.json"), JSON.stringify({ permissions: v }, null, 2));
  writeCode(VALUE);
  sh([BIN, "realm", "sync"], aperture, env);
  sh([BIN, "realm", "sync"], fungal, env);
  const floorRemote = join(tmp, "floor.git");
  const floorClone = join(tmp, "floor-clone");
  sh(["git", "clone", "-q", "--bare", remote, floorRemote], tmp, env);
  sh(["git", "clone", "-q", floorRemote, floorClone], tmp, env);
  return { tmp, env, aperture, fungal, remote, clone, floorRemote, floorClone, writeCode };
}

export type ScaleWorld = { tmp: string; env: Env; provider: string; clone: string; remote: string; contract: string; setValue: (n: number) => void };

/**
 * A generated realm (bench/generate-realm.ts) pushed to a bare remote, cloned where blue keeps its realms, and
 * its first provider (repo-0000) as a member repo whose code gives every value it exports as published; then
 * `setValue(n)` changes one property of its first contract's value (a patch, touching one file).
 */
export function scaleWorld(size: RealmSize): ScaleWorld {
  const { tmp, env } = sandboxEnv();
  const work = join(tmp, "generate");
  mkdirSync(work);
  sh(["git", "init", "-q", "-b", "main"], work, env);
  const { contracts } = generateRealm(work, { ...size, unpublished: false }, (args) => void sh(["git", ...args], work, env));
  const remote = join(tmp, "realm.git");
  sh(["git", "clone", "-q", "--bare", work, remote], tmp, env);
  const clone = join(env.BLUE_HOME!, "realms", "bench");
  sh(["git", "clone", "-q", remote, clone], tmp, env);
  const provider = plainRepo(join(tmp, "repo-0000"), env);
  mkdirSync(join(provider, ".blue"));
  writeFileSync(join(provider, ".blue/config.yaml"), `realm:\n  name: bench\n  url: ${remote}\nrepo: repo-0000\n`);
  mkdirSync(join(provider, "config"));
  const owned = contracts.filter((c) => readFileSync(join(clone, c.file), "utf8").includes("owner: repo-0000\n"));
  const valueOf = (file: string) => (Bun.YAML.parse(readFileSync(join(clone, file), "utf8")) as { value: Record<string, unknown> }).value;
  for (const c of owned) writeFileSync(join(provider, "config", `${c.name}.json`), JSON.stringify({ value: valueOf(c.file) }));
  const first = owned[0]!;
  const base = valueOf(first.file);
  const setValue = (n: number) => writeFileSync(join(provider, "config", `${first.name}.json`), JSON.stringify({ value: { ...base, p0: `changed-${n}` } }));
  sh([BIN, "daemon", "start"], tmp, env);
  return { tmp, env, provider, clone, remote, contract: first.name, setValue };
}
