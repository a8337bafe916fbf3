// Issue 18: a sample of the realm fuzz's cases (tests/fuzz/) through the compiled binary, as a member repo sees a
// teammate's commit to the realm: `blue realm status` (through the daemon) and `blue realm check` in the provider,
// `blue realm check` in the consumer or in the realm repo itself. Every run ends in an exit code from the README's table, with no internal
// error, stack trace or library warning, the problem's file:line:col first when a realm file is at fault, and no
// command the realm names that this machine did not consent to ever runs. BLUE_FUZZ_BINARY_CASES sets the sample
// (default 150, spread over the in-process run's 10,000 cases; the same seed, BLUE_FUZZ_SEED).
import { afterAll, expect, test } from "bun:test";
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { apply, describeFailure, EXIT_CODES, fileOf, INTERNAL, restore, SEED } from "../fuzz/harness.ts";
import { addFiles, caseRandom, mutate } from "../fuzz/mutate.ts";
import { CONSUMER, PINNED, pinsText, PROVIDER, REALM, REALM_FILES, trustJson, writeMemberCode, type World } from "../fuzz/world.ts";
import { initialSetup, stackTrace, type Run, type Sandbox } from "./sandbox.ts";

const SAMPLE = Number(process.env.BLUE_FUZZ_BINARY_CASES ?? 150);
const OF = Number(process.env.BLUE_FUZZ_CASES ?? 10_000);
const ONLY = process.env.BLUE_FUZZ_CASE === undefined ? undefined : [Number(process.env.BLUE_FUZZ_CASE)];
/** A realm file's problem first: `path:line:col: …` (a warning may come before the errors). */
const AT_FILE = /^(warning: )?(realm\.yaml|(repos|domains)\/[\w./-]+\.ya?ml):\d+:\d+: /;

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

/** The fuzz's realm as letemcook's last commit, with aperture's pin and this machine's approval. */
function fuzzWorld() {
  const { sb, aperture, fungal, steps } = initialSetup();
  sandboxes.push(sb);
  for (const s of steps) expect(s.code).toBe(0);
  const clone = sb.realmClone(REALM);
  sb.git(clone, "rm", "-rq", "domains");
  for (const [rel, text] of Object.entries(REALM_FILES)) {
    sb.exec("mkdir", ["-p", join(clone, rel, "..")], clone);
    writeFileSync(join(clone, rel), text);
  }
  sb.git(clone, "add", "-A");
  sb.git(clone, "commit", "-qm", "the fuzz's realm");
  sb.git(clone, "push", "-q", "origin", "main");
  const marker = sb.path("EXECUTED");
  for (const repo of [aperture, fungal]) writeMemberCode(repo, marker);
  appendFileSync(join(aperture, ".blue/config.yaml"), pinsText(PINNED));
  writeFileSync(join(sb.env.BLUE_HOME!, "trust.json"), trustJson(), { mode: 0o600 });
  const world: World = { dir: sb.root, realm: clone, repos: { [PROVIDER]: aperture, [CONSUMER]: fungal }, home: sb.env.BLUE_HOME!, marker };
  return { sb, world, base: sb.git(clone, "rev-parse", "HEAD") };
}

/** What is wrong with one run of the binary, if anything. `realm`: the clone it read (a problem about a file that
 *  is not there, "missing: …", has no line:col to give). */
function judge(r: Run, ms: number, realm: string): string[] {
  const out: string[] = [];
  if (!EXIT_CODES.includes(r.code)) out.push(`exit ${r.code} is not in the README's table`);
  if (/internal error|This is a bug in blue/.test(r.stderr)) out.push("an internal error");
  else if (INTERNAL.test(r.stderr) || INTERNAL.test(r.stdout)) out.push("a message that reads as an internal error");
  if (stackTrace(r)) out.push("a stack trace");
  if (/\bWarning: /.test(r.stderr)) out.push("a library's warning on stderr");
  const first = r.stderr.split("\n")[0] ?? "";
  const realmFile = /(^|\s)(realm\.yaml|(repos|domains)\/\S+\.ya?ml):/m.test(r.stderr);
  const absent = /^(?:warning: )?(\S+?\.ya?ml): (?!\d)/.exec(first);
  const noFile = absent !== null && !statSync(join(realm, absent[1]!), { throwIfNoEntry: false })?.isFile();
  if (r.code === 78 && realmFile && !AT_FILE.test(first) && !noFile) out.push(`exit 78 for a realm file, but the first line is not its file:line:col: ${first}`);
  if (ms > 2000) out.push(`took ${ms.toFixed(0)} ms (the bound is 2000 ms)`);
  return out.length ? [...out, `stderr: ${r.stderr.slice(0, 1500)}`] : [];
}

test(`${ONLY ? `case ${ONLY[0]}` : `${SAMPLE} of the fuzz's cases`} through the binary: status and check end in an exit code from the README, the file:line:col first, nothing unconsented run`, () => {
  const { sb, world, base } = fuzzWorld();
  const aperture = world.repos[PROVIDER]!;
  const fungal = world.repos[CONSUMER]!;
  // The daemon started, and the base realm seen, before the clock runs.
  const warm = sb.blue(aperture, "realm", "status");
  expect(warm.stderr).toBe("");
  expect(warm.code).toBe(0);
  // Spread over the run, with a stride prime to 10 so that every realm file (fileOf: index mod 10) gets its share.
  let stride = Math.max(1, Math.floor(OF / SAMPLE));
  while (stride > 1 && (stride % 2 === 0 || stride % 5 === 0)) stride--;
  const cases = ONLY ?? Array.from({ length: SAMPLE }, (_, k) => k * stride);
  const failed: string[] = [];
  const codes = new Map<string, number>();
  let slowest = 0;
  for (const [k, index] of cases.entries()) {
    const file = fileOf(index);
    const mutation = mutate(caseRandom(SEED, index), file, REALM_FILES[file]!, world.marker);
    addFiles(SEED, index, mutation, REALM_FILES);
    apply(world, mutation);
    // A teammate's commit: the daemon reads the realm by its HEAD.
    // (git keeps no fifo, directory or device: the file is then gone from the commit, and there in the work tree.)
    if (mutation.replace) sb.git(world.realm, "rm", "-q", "--cached", "--ignore-unmatch", file);
    else sb.git(world.realm, "add", "-A");
    sb.git(world.realm, "commit", "-qm", `fuzz case ${index}`, "--allow-empty");
    const failures: string[] = [];
    // The consumer's check and the realm repo's own (its CI: every contract, compatibility against what is
    // published) take turns.
    // Every other time the realm repo's, the mutated commit is what was published and the work tree is as before: old
    // versions are then read from that commit (a contract's history is another team's input too).
    const published = k % 4 === 0;
    const third = k % 2 ? ([fungal, ["realm", "check", "--no-cache"]] as const) : ([world.realm, ["realm", "check", "--no-cache"]] as const);
    for (const [repo, args] of [[aperture, ["realm", "status"]], [aperture, ["realm", "check", "--no-cache"]], third] as const) {
      if (repo === world.realm && published) {
        sb.git(world.realm, "update-ref", "refs/remotes/origin/main", "HEAD");
        sb.git(world.realm, "reset", "-q", "--hard", base);
      }
      const started = performance.now();
      const r = sb.blue(repo, ...args);
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      const where = repo === aperture ? PROVIDER : repo === fungal ? CONSUMER : published ? "the realm repo, behind it" : "the realm repo";
      const key = `${where}: ${args.join(" ")} ${r.code}`;
      codes.set(key, (codes.get(key) ?? 0) + 1);
      failures.push(...judge(r, ms, world.realm).map((f) => `${where}: blue ${args.join(" ")}: ${f}`));
    }
    if (existsSync(world.marker)) {
      failures.push(`a command nobody consented to ran: ${readFileSync(world.marker, "utf8").trim()}`);
      rmSync(world.marker);
    }
    restore(world, mutation);
    sb.git(world.realm, "update-ref", "refs/remotes/origin/main", base);
    sb.git(world.realm, "reset", "-q", "--hard", base);
    sb.git(world.realm, "clean", "-qfdx");
    if (failures.length) failed.push(describeFailure(SEED, { index, ms: 0, outcome: "", failures, mutation }));
  }
  console.error(`realm fuzz through the binary, seed ${SEED}: ${cases.length} cases, slowest run ${slowest.toFixed(0)} ms; ${[...codes].sort().map(([k, v]) => `${k}: ${v}`).join(", ")}`);
  expect(failed).toEqual([]);
}, 600_000);
