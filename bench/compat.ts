// The compatibility section of `bun run bench` (issue 19), or alone: `bun run bench:compat`.
//   - the first `check --mode=compatibility` of the 2,000-property schema (no cache.db; bench/check.ts measures it);
//   - the engine (compareSchemas, in process) vs json-schema-diff (npm, pinned devDependency; in a child process,
//     bench/compat-jsd.ts, so that a pair it cannot finish is stopped) on the same pairs: the differential corpus of
//     tests/compat/differential/ and generated schemas of 100, 500 and 2,000 properties;
//   - the witness search per breaking finding against its bound (bench/witness.ts).
// Knobs: JSD_TIMEOUT_S (seconds json-schema-diff gets per pair, default 10), BENCH_RUNS (cold checks, default 3).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareSchemas } from "../src/compat/index.ts";
import { differentialCorpus } from "../tests/compat/differential/corpus.ts";
import { benchBigSchema, type BigSchema } from "./check.ts";
import { breakingVersion, schemaWith } from "./generate-realm.ts";
import { ms as ms1, ROOT, sandboxEnv } from "./measure.ts";
import { benchWitness } from "./witness.ts";

export const COMPAT_START = "<!-- bench:compat:start -->";
export const COMPAT_END = "<!-- bench:compat:end -->";
const SEED = 19; // the differential test's default seed: the same pairs it judges
const TIMEOUT_S = Number(process.env.JSD_TIMEOUT_S ?? 10);
const SIZES = [100, 500, 2000];
// The engine takes well under a millisecond on most pairs: two decimals there.
const ms = (x: number) => (x < 1 ? x.toFixed(2) : ms1(x));

type Pair = { name: string; old: unknown; new: unknown; label?: { backwards: string; forwards: string } };
type JsdResult = { i: number; ms: number; backwards?: boolean; forwards?: boolean; error?: string } | { i: number; dnf: true };

/** json-schema-diff on every pair, each given TIMEOUT_S seconds; a pair past it is "did not finish". */
async function runJsd(pairs: Pair[]): Promise<JsdResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "blue-bench-jsd-"));
  const file = join(dir, "pairs.json");
  writeFileSync(file, JSON.stringify(pairs.map((p) => ({ old: p.old, new: p.new }))));
  const results: JsdResult[] = [];
  try {
    let start = 0;
    while (start < pairs.length) {
      // cwd: a scratch dir, because json-schema-diff resolves a relative $ref it cannot place as a file path.
      const child = Bun.spawn(["bun", join(ROOT, "bench/compat-jsd.ts"), file, String(start)], { cwd: dir, stdout: "pipe", stderr: "ignore" });
      const reader = child.stdout.getReader();
      const decoder = new TextDecoder();
      let buffered = "";
      let next = start;
      // The first pair also waits for the child to start and warm up: a few seconds more.
      let deadline = performance.now() + TIMEOUT_S * 1000 + 5000;
      for (;;) {
        const left = deadline - performance.now();
        const read = await Promise.race([reader.read(), Bun.sleep(Math.max(0, left)).then(() => "timeout" as const)]);
        if (read === "timeout") {
          child.kill();
          results.push({ i: next, dnf: true });
          next++;
          break;
        }
        if (read.done) {
          // The child ended before every pair was answered (it crashed on one): count that pair as not finished.
          if (next < pairs.length) results.push({ i: next++, dnf: true });
          break;
        }
        buffered += decoder.decode(read.value, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          results.push(JSON.parse(buffered.slice(0, nl)) as JsdResult);
          buffered = buffered.slice(nl + 1);
          next++;
          deadline = performance.now() + TIMEOUT_S * 1000;
        }
      }
      await child.exited;
      start = next;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** The engine on one pair: the median of 5 runs, after a first run (the engine's code is warm, as is the child's). */
function engineOn(p: Pair): { ms: number; backwards: boolean; forwards: boolean } {
  const findings = compareSchemas(p.old, p.new);
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    compareSchemas(p.old, p.new);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[2]!, backwards: findings.some((f) => f.backwards === "breaking"), forwards: findings.some((f) => f.forwards === "breaking") };
}

export async function benchCompat(given?: BigSchema): Promise<{ lines: string[]; verdicts: string[] }> {
  const met = (ok: boolean) => (ok ? "met" : "MISSED");
  let big = given;
  if (!big) {
    const { tmp, env } = sandboxEnv();
    big = benchBigSchema(tmp, env, Number(process.env.BENCH_RUNS ?? 3));
    rmSync(tmp, { recursive: true, force: true });
  }

  const { hand, mutated } = differentialCorpus(SEED);
  const corpus: Pair[] = [...hand, ...mutated].map((c) => ({ name: c.name, old: c.old, new: c.new, label: { backwards: c.backwards, forwards: c.forwards } }));
  const sized: Pair[] = SIZES.flatMap((n) => {
    const schema = schemaWith(n);
    return [
      { name: `${n.toLocaleString("en")} properties, one property added`, old: schema, new: schemaWith(n + 1) },
      { name: `${n.toLocaleString("en")} properties, five breaking changes`, old: schema, new: breakingVersion(schema, n) },
    ];
  });
  const pairs = [...corpus, ...sized];
  const t0 = performance.now();
  const jsd = await runJsd(pairs);
  const jsdSeconds = (performance.now() - t0) / 1000;
  const engine = pairs.map(engineOn);
  process.stderr.write(`json-schema-diff on ${pairs.length} pairs: ${jsdSeconds.toFixed(0)} s\n`);

  const byIndex = new Map(jsd.map((r) => [r.i, r]));
  const finished = (i: number) => {
    const r = byIndex.get(i);
    return r && !("dnf" in r) && !r.error ? r : undefined;
  };
  const corpusIdx = corpus.map((_, i) => i);
  const done = corpusIdx.filter((i) => finished(i));
  const refused = corpusIdx.filter((i) => byIndex.get(i) && "error" in byIndex.get(i)! && (byIndex.get(i) as { error?: string }).error).length;
  const dnf = corpusIdx.filter((i) => byIndex.get(i) && "dnf" in byIndex.get(i)!).length;
  const jsdTotal = done.reduce((s, i) => s + finished(i)!.ms, 0);
  const engineTotal = done.reduce((s, i) => s + engine[i]!.ms, 0);
  const ratios = done.map((i) => finished(i)!.ms / Math.max(engine[i]!.ms, 0.001)).sort((a, b) => a - b);
  const medianRatio = ratios[Math.floor(ratios.length / 2)] ?? 0;
  const corpusRatio = jsdTotal / engineTotal;

  // Directions labelled breaking by hand: how many each tool flags (json-schema-diff: added values break
  // backwards, removed values break forwards).
  const dirs = ["backwards", "forwards"] as const;
  const labelled = corpusIdx.flatMap((i) => dirs.filter((d) => corpus[i]!.label?.[d] === "x").map((d) => ({ i, d })));
  const engineCaught = labelled.filter(({ i, d }) => engine[i]![d]).length;
  const jsdCaught = labelled.filter(({ i, d }) => finished(i)?.[d]).length;

  const sizedRows = sized.map((p, k) => {
    const r = byIndex.get(corpus.length + k);
    const e = engine[corpus.length + k]!;
    if (!r || "dnf" in r) return { p, e, cells: `0 | 0 | 1 | did not finish in ${TIMEOUT_S} s`, ratio: `> ${ms((TIMEOUT_S * 1000) / e.ms)}×`, verdict: "met" };
    if (r.error) return { p, e, cells: `0 | 1 | 0 | refused: ${r.error}`, ratio: "", verdict: "not comparable" };
    return { p, e, cells: `1 | 0 | 0 | ${ms(r.ms)}`, ratio: `${ms(r.ms / e.ms)}×`, verdict: met(r.ms / e.ms >= 10) };
  });

  const witness = benchWitness();
  const lines = [
    "| first check of the 2,000-property schema | median ms | min ms | runs |",
    "|---|---|---|---|",
    `| \`check --mode=compatibility\`, no cache.db (compiled binary) | ${ms(big.compatCold.median)} | ${ms(big.compatCold.min)} | ${big.compatCold.runs} |`,
    `| the engine alone on the same two versions (in process) | ${ms(big.engineMs)} | | |`,
    "",
    `| engine vs json-schema-diff ${readVersion()} | pairs | json-schema-diff finished | refused (error) | did not finish in ${TIMEOUT_S} s | json-schema-diff ms | engine ms | engine faster by |`,
    "|---|---|---|---|---|---|---|---|",
    `| differential corpus (${hand.length} hand-written + ${mutated.length} mutations, seed ${SEED}), sum over the pairs both finished | ${corpus.length} | ${done.length} | ${refused} | ${dnf} | ${ms(jsdTotal)} | ${ms(engineTotal)} | ${ms(corpusRatio)}× (median per pair ${ms(medianRatio)}×) |`,
    ...sizedRows.map(({ p, e, cells, ratio }) => `| ${p.name} | 1 | ${cells} | ${ms(e.ms)} | ${ratio} |`),
    "",
    `Directions labelled breaking by hand in the corpus: ${labelled.length}; the engine flags ${engineCaught}, json-schema-diff ${jsdCaught} (on pairs it finished). json-schema-diff's part took ${jsdSeconds.toFixed(0)} s in all.`,
    "",
    ...witness.lines,
  ];
  const verdicts = [
    `first compatibility check of the 2,000-property schema (no cache.db): ${ms(big.compatCold.median)} ms (target ≤ 100 ms): ${met(big.compatCold.median <= 100)}`,
    `engine vs json-schema-diff on the differential corpus: ${ms(corpusRatio)}× faster (target ≥ 10×): ${met(corpusRatio >= 10)}`,
    ...sizedRows.map(({ p, ratio, verdict }) => `engine vs json-schema-diff, ${p.name}: ${ratio ? `${ratio} faster` : "json-schema-diff refused the pair"} (target ≥ 10×): ${verdict}`),
    ...witness.verdicts,
  ];
  return { lines, verdicts };
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "node_modules/json-schema-diff/package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Replace the text between two markers of bench/README.md. */
export function writeSection(start: string, end: string, section: string): boolean {
  const readmePath = join(ROOT, "bench/README.md");
  const readme = readFileSync(readmePath, "utf8");
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to <= from) return false;
  writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${section}\n${readme.slice(to)}`);
  return true;
}

export function compatHeader(command: string): string {
  return `Measured ${new Date().toISOString().slice(0, 10)} (${command}), bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average at the end ${loadAverage()}.`;
}

export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

export function compatSection(result: { lines: string[]; verdicts: string[] }, header: string): string {
  return [header, "", ...result.lines, "", ...result.verdicts.map((v) => `- ${v}`)].join("\n");
}

if (import.meta.main) {
  const result = await benchCompat();
  const section = compatSection(result, compatHeader("`bun run bench:compat`"));
  console.log(section);
  if (writeSection(COMPAT_START, COMPAT_END, section)) console.error("bench/README.md updated");
}
