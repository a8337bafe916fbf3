// One case of the realm fuzz (issue 18), in-process: mutate one file of the world's realm, then read the realm as
// blue's commands do (load; status's view and its local changes; check as the realm repo, as the consumer and as
// the provider, in CI), and judge every outcome: a result, or a named error whose exit code is in the README's
// table and whose problems say file:line:col where there is a file. Anything else, an unconsented command that
// ran, or a case over the time bound is a failure, reported with what replays it.
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { BlueError, ConfigError, formatProblem, type Problem } from "../../src/errors.ts";
import { runCheck } from "../../src/check/run.ts";
import type { CheckReport } from "../../src/check/findings.ts";
import { hasErrors, loadRealm, loadValidRealm } from "../../src/realm/load.ts";
import { repoView } from "../../src/realm/view.ts";
import { addLocalChanges } from "../../src/status/report.ts";
import type { StatusDoc } from "../../src/realm/view.ts";
import { addFiles, caseRandom, mutate, type Mutation } from "./mutate.ts";
import { CONSUMER, PINNED, PROVIDER, REALM, REALM_FILES, type World } from "./world.ts";

/** The README's exit codes. */
export const EXIT_CODES = [0, 1, 2, 64, 69, 78];
/** The bound on one run. */
export const CASE_LIMIT_MS = 2000;

/** What a user would see that means blue, not the input, is at fault. */
export const INTERNAL = /TypeError|ReferenceError|RangeError|SyntaxError: |Cannot read propert|is not a function|is not iterable|undefined is not|\[object Object\]|Maximum call stack|internal error/;

export const SEED = Number(process.env.BLUE_FUZZ_SEED ?? 18);

export type CaseResult = { index: number; ms: number; outcome: string; failures: string[]; mutation: Mutation };

/** The file a case mutates: the realm's files in turn, so each kind gets its share. */
export function fileOf(index: number): string {
  const files = Object.keys(REALM_FILES);
  return files[index % files.length]!;
}

export async function runCase(w: World, seed: number, index: number): Promise<CaseResult> {
  const r = caseRandom(seed, index);
  const file = fileOf(index);
  const mutation = mutate(r, file, REALM_FILES[file]!, w.marker);
  addFiles(seed, index, mutation, REALM_FILES);
  const failures: string[] = [];
  const outcomes: string[] = [];
  apply(w, mutation);
  const started = performance.now();
  // A warning of a library goes to the user's stderr as "(node:…) Warning: …": none may come from a realm file.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => failures.push(`printed a warning: ${String(warning)}`)) as typeof process.emitWarning;
  try {
    await readAsBlue(w, index, file, failures, outcomes);
  } finally {
    process.emitWarning = emitWarning;
    restore(w, mutation);
  }
  const ms = performance.now() - started;
  if (existsSync(w.marker)) {
    failures.push(`a command nobody consented to ran: ${readFileSync(w.marker, "utf8").trim()}`);
    rmSync(w.marker);
  }
  if (ms > CASE_LIMIT_MS) failures.push(`took ${ms.toFixed(0)} ms (the bound is ${CASE_LIMIT_MS} ms)`);
  return { index, ms, outcome: outcomes.join(" "), failures, mutation };
}

async function readAsBlue(w: World, index: number, file: string, failures: string[], outcomes: string[]): Promise<void> {
  const judge = (stage: string, e: unknown) => {
    outcomes.push(`${stage}:${e instanceof BlueError ? e.exitCode : "internal"}`);
    failures.push(...judgeError(w, stage, e));
  };
  let load: ReturnType<typeof loadRealm>;
  try {
    load = loadRealm(w.realm);
  } catch (e) {
    return judge("load", e);
  }
  failures.push(...judgeProblems(w, "load", load.problems));
  if (load.refusal || hasErrors(load.problems)) {
    outcomes.push("load:78");
    // As status and check take it: one ConfigError (its problems are those checked above; a second load costs
    // as much as the first, so one case in ten).
    if (index % 10 !== 0) return;
    try {
      loadValidRealm(w.realm, REALM);
      failures.push("load: loadValidRealm took a realm with errors");
    } catch (e) {
      failures.push(...judgeError(w, "status", e));
    }
    return;
  }
  outcomes.push("load:ok");
  // status: the repo's view of the realm (what the daemon serves), and the provider's local changes from its code.
  for (const repo of [PROVIDER, CONSUMER]) {
    try {
      const view = repoView(load.model, repo);
      const doc: StatusDoc = { realm: REALM, repo, domains: view.domains, local_changes: [], extract_errors: [], sessions: null, notifications: null, syncs: [], acknowledgements: view.acknowledgements, ownership_warnings: [], forge_notifications: [], daemon_error: null };
      const extracting = view.exports.filter((e) => e.binding.extract !== undefined);
      const config = { realm: { name: REALM, url: "https://git.example.com/letemcook.git" }, repo, trusted_commands: repo === PROVIDER ? PINNED : undefined };
      await addLocalChanges(doc, { root: w.repos[repo]!, config, configPath: join(w.repos[repo]!, ".blue/config.yaml") }, extracting, false);
      for (const e of doc.extract_errors) if (INTERNAL.test(e.message)) failures.push(`status ${repo}: extract error reads as internal: ${e.message}`);
      outcomes.push("status:ok");
    } catch (e) {
      judge(`status ${repo}`, e);
    }
  }
  const targets = [
    { realmDir: w.realm, realm: REALM },
    { realmDir: w.realm, realm: REALM, repoRoot: w.repos[CONSUMER], repo: CONSUMER, pins: [] },
    { realmDir: w.realm, realm: REALM, repoRoot: w.repos[PROVIDER], repo: PROVIDER, pins: PINNED },
  ];
  // The provider's check runs its consented commands (two processes): for every case that changes a file naming
  // commands, and one in four of the others.
  const commands = /\/(contracts|bindings)\//.test(file);
  for (const target of commands || index % 4 === 0 ? targets : targets.slice(0, 2)) {
    const stage = `check ${target.repo ?? "realm"}`;
    try {
      const report = await runCheck(target, { hookTimeoutMs: 5000, ci: target.repo === PROVIDER });
      failures.push(...judgeReport(w, stage, report));
      outcomes.push(`check:${report.summary.errors ? 1 : report.summary.warnings ? 2 : 0}`);
    } catch (e) {
      judge(stage, e);
    }
  }
}

/** A thrown error: named, with an exit code from the README's table; a ConfigError's problems each at file:line:col. */
function judgeError(w: World, stage: string, e: unknown): string[] {
  if (!(e instanceof BlueError)) return [`${stage}: internal error (not a named error): ${(e as Error)?.stack ?? String(e)}`];
  const out: string[] = [];
  if (!EXIT_CODES.includes(e.exitCode)) out.push(`${stage}: exit code ${e.exitCode} is not in the README's table`);
  if (INTERNAL.test(e.message)) out.push(`${stage}: message reads as internal: ${e.message}`);
  if (e instanceof ConfigError) out.push(...judgeProblems(w, stage, e.problems));
  return out;
}

/** Each problem names a realm file; where that file is there, a line and column inside it. */
function judgeProblems(w: World, stage: string, problems: readonly Problem[]): string[] {
  const out: string[] = [];
  for (const p of problems) {
    const line = formatProblem(p);
    if (INTERNAL.test(p.message)) out.push(`${stage}: problem reads as internal: ${line}`);
    const abs = join(w.realm, p.file);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    const lines = lineCount(abs);
    if (!(p.line >= 1 && p.col >= 1)) out.push(`${stage}: problem without line:col: ${line}`);
    else if (p.line > lines) out.push(`${stage}: problem past the file's ${lines} lines: ${line}`);
  }
  return out;
}

/** Findings in realm files point inside them; no finding reads as an internal error. */
function judgeReport(w: World, stage: string, report: CheckReport): string[] {
  const out: string[] = [];
  for (const f of report.findings) {
    if (INTERNAL.test(f.message)) out.push(`${stage}: finding reads as internal: ${f.rule}: ${f.message}`);
    if (f.file && f.line !== undefined && existsSync(join(w.realm, f.file)) && f.file in REALM_FILES) {
      const lines = lineCount(join(w.realm, f.file));
      if (!(f.line >= 1 && f.line <= lines && (f.col ?? 1) >= 1)) out.push(`${stage}: finding outside its file (${lines} lines): ${f.file}:${f.line}:${f.col}: ${f.message}`);
    }
  }
  return out;
}

function lineCount(path: string): number {
  const text = readFileSync(path, "utf8");
  return text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).length;
}

export function apply(w: World, m: Mutation): void {
  for (const e of m.extra ?? []) {
    mkdirSync(dirname(join(w.realm, e.path)), { recursive: true });
    writeFileSync(join(w.realm, e.path), e.bytes);
  }
  const abs = join(w.realm, m.file);
  if (m.bytes) return writeFileSync(abs, m.bytes);
  rmSync(abs, { force: true });
  if (m.replace === "directory") mkdirSync(abs);
  else if (m.replace === "symlink-dev-zero") symlinkSync("/dev/zero", abs);
  else if (m.replace === "fifo") spawnSync("mkfifo", [abs]);
}

export function restore(w: World, m: Mutation): void {
  for (const e of m.extra ?? []) rmSync(join(w.realm, e.path), { force: true });
  rmSync(join(w.realm, "domains/other"), { recursive: true, force: true });
  const abs = join(w.realm, m.file);
  if (lstatSync(abs, { throwIfNoEntry: false })?.isDirectory()) rmSync(abs, { recursive: true });
  else rmSync(abs, { force: true });
  writeFileSync(abs, REALM_FILES[m.file]!);
}

/** What replays a failed case, and the file it read. */
export function describeFailure(seed: number, c: CaseResult): string {
  const text = c.mutation.bytes ? c.mutation.bytes.toString("utf8") : `(${c.mutation.replace})`;
  const cut = text.length > 3000 ? `${text.slice(0, 3000)}\n…(${text.length} characters)` : text;
  const shown = cut.split("\n").map((l) => (l.length > 200 ? `${l.slice(0, 200)}…(${l.length})` : l)).join("\n");
  return [
    `case ${c.index} of seed ${seed} (replay: BLUE_FUZZ_SEED=${seed} BLUE_FUZZ_CASE=${c.index} bun test --timeout 60000 tests/fuzz/)`,
    `  ${c.mutation.file}: ${c.mutation.steps.join("; ")}`,
    ...c.failures.map((f) => `  ${f}`),
    `  the mutated file:`,
    shown.replace(/^/gm, "    | "),
  ].join("\n");
}

