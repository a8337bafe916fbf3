// The step journal of cross-repo operations (`blue realm pr`, `worktree`, `sync`): one JSON file per operation
// under $BLUE_HOME/operations/, 0600 in a 0700 directory, written atomically after every step, so a run killed
// or failed part-way leaves an exact record of what it did. A file blue cannot read is moved aside
// (system/move-aside.ts) and the operation starts over from what git and the forge say.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { moveAside } from "../system/move-aside.ts";
import { notice } from "../system/notice.ts";
import { ensurePrivateDir, PRIVATE_FILE } from "../system/private.ts";
import { sha256 } from "./hash.ts";

export const OperationKind = z.enum(["pr", "worktree", "sync"]);
export type OperationKind = z.infer<typeof OperationKind>;

export const StepRecord = z.object({
  step: z.string(),
  at: z.string(),
  /** What the step left: a pushed sha, a PR's number and URL, a body's hash. */
  detail: z.string().nullable(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const RepoRecord = z.object({
  steps: z.array(StepRecord),
  /** The last run's failure in this repo, cleared when a later run gets past it. */
  failure: z.object({ step: z.string(), reason: z.string(), at: z.string() }).nullable(),
});
export type RepoRecord = z.infer<typeof RepoRecord>;

export const Operation = z.object({
  version: z.literal(1),
  kind: OperationKind,
  key: z.string(),
  started_at: z.string(),
  updated_at: z.string(),
  /** The repos (sync: branches) in the order the operation takes them. */
  order: z.array(z.string()),
  repos: z.record(z.string(), RepoRecord),
  /** Whatever the operation needs to finish on another run (sync: each branch's PR text). */
  data: z.record(z.string(), z.unknown()),
});
export type Operation = z.infer<typeof Operation>;

export const operationsDir = (home: string) => join(home, "operations");
const fileOf = (home: string, key: string) => join(operationsDir(home), `${sha256(key).slice(0, 32)}.json`);

export function readOperation(home: string, key: string, now: () => Date): Operation | undefined {
  const path = fileOf(home, key);
  const op = readFile(path, now);
  return op?.key === key ? op : undefined;
}

export function writeOperation(home: string, op: Operation): void {
  ensurePrivateDir(home);
  ensurePrivateDir(operationsDir(home));
  writeFileAtomic(fileOf(home, op.key), `${JSON.stringify(op, null, 2)}\n`, PRIVATE_FILE);
}

/** Every readable operation of a kind (sync: to find this repo's branches left half-published). */
export function listOperations(home: string, kind: OperationKind, now: () => Date): Operation[] {
  const dir = operationsDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .flatMap((f) => readFile(join(dir, f), now) ?? [])
    .filter((op) => op.kind === kind);
}

function readFile(path: string, now: () => Date): Operation | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  let why: string;
  try {
    const parsed = Operation.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    why = `${parsed.error.issues[0]!.path.join(".") || "(top)"}: ${parsed.error.issues[0]!.message}`;
  } catch {
    why = "not JSON";
  }
  const moved = moveAside(path, now());
  if (moved) notice(`${path} was unreadable (${why}); moved to ${moved}; the operation it recorded starts over from what git and the forge say`);
  return undefined;
}
