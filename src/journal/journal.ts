// The step journal an operation keeps while it works through many repos (store/operations.ts holds it): each
// step is recorded as soon as it is done, a failure with its reason, and the table of what is done, failed
// and not started is read from it. What is left to do is for each operation's own resume plan to decide, from
// the journal and from what git and the forge say now: the journal alone misses a step done just before a crash.
import { z } from "zod";
import { BlueError, ExitCode, UsageError } from "../errors.ts";
import { readOperation, writeOperation, type Operation, type OperationKind, type StepRecord } from "../store/operations.ts";

/** One row of the table a part-way run shows (and `--json` carries). */
export const OperationRow = z.object({
  repo: z.string(),
  state: z.enum(["done", "failed", "partly done", "not started"]),
  /** The steps done so far, by this run or an earlier one: "pushed", "PR opened #12", … */
  steps: z.array(z.string()),
  failed_step: z.string().nullable(),
  reason: z.string().nullable(),
});
export type OperationRow = z.infer<typeof OperationRow>;

export const OperationTable = z.object({
  key: z.string(),
  /** True when this run resumed an earlier one. */
  resumed: z.boolean(),
  complete: z.boolean(),
  rows: z.array(OperationRow),
});
export type OperationTable = z.infer<typeof OperationTable>;

export type JournalEnv = { home: string; now: () => Date };

export class Journal {
  private constructor(
    private op: Operation,
    readonly resumed: boolean,
    private readonly env: JournalEnv,
  ) {}

  /**
   * The journal of operation `key`: the one an earlier run left, else a new one. With `resume`, there must be
   * one (`--resume` on an operation this machine never started is a usage error).
   */
  static open(kind: OperationKind, key: string, env: JournalEnv, opts: { resume: boolean; command: string }): Journal {
    const found = readOperation(env.home, key, env.now);
    if (!found && opts.resume) {
      throw new UsageError(`nothing to resume: this machine has no journal of ${opts.command} for ${key}`, `Run it without --resume to start it.`);
    }
    const at = env.now().toISOString();
    const op: Operation = found ?? { version: 1, kind, key, started_at: at, updated_at: at, order: [], repos: {}, data: {} };
    return new Journal(op, found !== undefined, env);
  }

  get key(): string {
    return this.op.key;
  }

  /** The repos (sync: branches) of the last run, in its order. */
  get order(): readonly string[] {
    return this.op.order;
  }

  setOrder(order: readonly string[]): void {
    // Unchanged (an in-sync sync's empty order, again): nothing is written, and a journal never started stays unwritten.
    if (order.length === this.op.order.length && order.every((r, i) => this.op.order[i] === r && this.op.repos[r])) return;
    this.op.order = [...order];
    for (const r of order) this.op.repos[r] ??= { steps: [], failure: null };
    this.save();
  }

  /** Every record of `step` in `repo`, oldest first. */
  all(repo: string, step: string): StepRecord[] {
    return this.op.repos[repo]?.steps.filter((s) => s.step === step) ?? [];
  }

  /** The last record of `step` in `repo`. */
  done(repo: string, step: string): StepRecord | undefined {
    return this.op.repos[repo]?.steps.findLast((s) => s.step === step);
  }

  record(repo: string, step: string, detail: string | null = null): void {
    const r = (this.op.repos[repo] ??= { steps: [], failure: null });
    // Appended, not replaced: the journal is also the record of how often each step ran.
    r.steps = [...r.steps, { step, at: this.env.now().toISOString(), detail }];
    if (r.failure?.step === step) r.failure = null;
    this.save();
  }

  /** Forget a row's steps: it is done afresh (a sync branch planned again gets a new commit and PR text). */
  reset(repo: string): void {
    this.op.repos[repo] = { steps: [], failure: null };
    this.save();
  }

  fail(repo: string, step: string, reason: string): void {
    const r = (this.op.repos[repo] ??= { steps: [], failure: null });
    r.failure = { step, reason, at: this.env.now().toISOString() };
    this.save();
  }

  /** A new run starts: the failures the last one recorded are what it is about to retry. */
  clearFailures(): void {
    const failed = Object.values(this.op.repos).filter((r) => r.failure);
    if (failed.length === 0) return;
    for (const r of failed) r.failure = null;
    this.save();
  }

  data<T>(name: string): T | undefined {
    return this.op.data[name] as T | undefined;
  }

  setData(name: string, value: unknown): void {
    this.op.data[name] = value;
    this.save();
  }

  /**
   * The table: `complete(repo)` says whether a repo has nothing left; `label` names a step as the table shows it.
   */
  table(complete: (repo: string, done: (step: string) => StepRecord | undefined) => boolean, label: (s: StepRecord) => string = (s) => s.step): OperationTable {
    const rows = this.op.order.map((repo): OperationRow => {
      const r = this.op.repos[repo] ?? { steps: [], failure: null };
      const steps = [...new Set(r.steps.map(label))];
      const base = { repo, steps, failed_step: r.failure?.step ?? null, reason: r.failure?.reason ?? null };
      if (r.failure) return { ...base, state: "failed" };
      if (complete(repo, (step) => this.done(repo, step))) return { ...base, state: "done" };
      return { ...base, state: r.steps.length ? "partly done" : "not started" };
    });
    return { key: this.op.key, resumed: this.resumed, complete: rows.every((r) => r.state === "done"), rows };
  }

  private save(): void {
    this.op.updated_at = this.env.now().toISOString();
    writeOperation(this.env.home, this.op);
  }
}

/** The text of any failure of a step, as the table shows it: a named blue error's message, else the error's own. */
export function failureReason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A failure of this machine's set-up (no git identity, a bad config, a host not pinned: exit 78 or 64) is not
 * one repo's: it is journaled like any failure and then thrown, so the command exits with its own code and line.
 */
export function isSetupFailure(e: unknown): boolean {
  return e instanceof BlueError && (e.exitCode === ExitCode.config || e.exitCode === ExitCode.usage);
}
