// `blue realm graph` on a 200-repo / 1,000-contract realm (issue 21): `--format svg` against `--format dot`, so the
// layout's own cost (Graphviz in WebAssembly) is visible, with mermaid and json beside them and `blue --version` as
// the floor; then the same steps in process (read and build the model, write DOT, lay out and draw). Writes the
// graph section of bench/README.md.
//   bun run bench:graph            (BENCH_RUNS=N, default 5)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAverage, writeSection } from "./compat.ts";
import { writeGraphRealm } from "./graph-realm.ts";
import { BIN, gitIn, mb, measure, ms, sandboxEnv, type Measured } from "./measure.ts";

export const GRAPH_START = "<!-- bench:graph:start -->";
export const GRAPH_END = "<!-- bench:graph:end -->";
const SIZE = { repos: 200, domains: 200, contracts: 1000, seed: 21 };

export async function benchGraph(runs: number): Promise<string> {
  const { tmp, env } = sandboxEnv();
  const realm = join(tmp, "realm");
  try {
    writeGraphRealm(realm, SIZE);
    const git = gitIn(realm);
    git(["init", "-q", "-b", "main"]);
    git(["add", "-A"]);
    git(["commit", "-qm", "generated realm"]);
    const rows: [string, Measured][] = [];
    const run = (label: string, args: string[]) => rows.push([label, measure([BIN, ...args], realm, env, { runs, warmup: 1, okCodes: [0] })]);
    run("`blue --version` (floor)", ["--version"]);
    run("`--format json`", ["realm", "graph", "--format", "json"]);
    run("`--format mermaid`", ["realm", "graph", "--format", "mermaid"]);
    run("`--format dot`", ["realm", "graph", "--format", "dot"]);
    run("`--format svg`", ["realm", "graph", "--format", "svg"]);
    const dot = rows.find(([l]) => l === "`--format dot`")![1];
    const svg = rows.find(([l]) => l === "`--format svg`")![1];
    const inProcess = await phases(realm, runs);
    const edges = inProcess.edges;
    return [
      `Measured ${new Date().toISOString().slice(0, 10)} (\`bun run bench:graph\`), bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average at the end ${loadAverage()}; ${runs} runs each, median.`,
      `Realm: ${SIZE.repos} repos, ${SIZE.contracts} contracts in ${SIZE.domains} domains, ${edges} edges (\`bench/graph-realm.ts\`, seed ${SIZE.seed}); the SVG is ${(inProcess.svgBytes / 1024).toFixed(0)} KB.`,
      "",
      "| `blue realm graph` | median ms | min ms | peak RSS MB | vs `--format dot` |",
      "|---|---|---|---|---|",
      ...rows.map(([label, m]) => `| ${label} | ${ms(m.median)} | ${ms(m.min)} | ${mb(m.rssMB)} | ${(m.median / dot.median).toFixed(2)}× |`),
      "",
      "| in process (same realm) | median ms |",
      "|---|---|",
      `| read the realm and build the model (\`gatherGraphInput\` + \`buildGraph\`) | ${ms(inProcess.build)} |`,
      `| write DOT (\`toDot\`) | ${ms(inProcess.dot)} |`,
      `| load \`@viz-js/viz\` and instantiate its wasm (first call) | ${ms(inProcess.load)} |`,
      `| lay out and draw the SVG (\`renderSvg\`, module loaded) | ${ms(inProcess.layout)} |`,
      "",
      `- \`--format svg\` / \`--format dot\`: ${(svg.median / dot.median).toFixed(2)}× the time (${ms(svg.median - dot.median)} ms more), ${(svg.rssMB / dot.rssMB).toFixed(2)}× the peak RSS (${mb(svg.rssMB - dot.rssMB)} MB more): the layout's own cost.`,
    ].join("\n");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The steps of one `--format svg`, timed in this process. */
async function phases(realm: string, runs: number) {
  const [{ gatherGraphInput }, { buildGraph }, { toDot }] = await Promise.all([import("../src/graph/gather.ts"), import("../src/graph/build.ts"), import("../src/graph/dot.ts")]);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const time = async (fn: () => unknown) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  let t = performance.now();
  const { renderSvg } = await import("../src/graph/svg.ts");
  await renderSvg("digraph {}");
  const load = performance.now() - t;
  const builds: number[] = [];
  const dots: number[] = [];
  const layouts: number[] = [];
  let g = buildGraph(await gatherGraphInput(realm, "generated"));
  let dot = "";
  let svgBytes = 0;
  for (let i = 0; i < runs; i++) {
    builds.push(await time(async () => (g = buildGraph(await gatherGraphInput(realm, "generated")))));
    dots.push(await time(() => (dot = toDot(g))));
    t = performance.now();
    svgBytes = (await renderSvg(dot)).length;
    layouts.push(performance.now() - t);
  }
  return { build: median(builds), dot: median(dots), layout: median(layouts), load, edges: g.edges.length, svgBytes };
}

if (import.meta.main) {
  const section = await benchGraph(Number(process.env.BENCH_RUNS ?? 5));
  console.log(section);
  if (writeSection(GRAPH_START, GRAPH_END, section)) console.error("bench/README.md updated");
}
