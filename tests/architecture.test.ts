// The layout STYLE.md asks for, held by the code itself: no import circles among value imports (static or
// dynamic), arrows that run downwards between the folders of src/, and no folder holding a quarter of the lines.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "..", "src");
const transpiler = new Bun.Transpiler({ loader: "ts" });

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** file (relative to src/) → the files it imports for their values; type-only imports are erased by the transpiler. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const specs = transpiler.scanImports(readFileSync(file, "utf8")).filter((i) => i.path.startsWith("."));
    // Only src/'s own files: package.json, read for the version, is data.
    const targets = specs.map((i) => relative(SRC, resolve(dirname(file), i.path))).filter((t) => !t.startsWith(".."));
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
export function importCircles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

const folderOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : ".");

// Each folder of src/ at a level; a file may import its own level and the levels below, never above
// (STYLE.md: commands → capabilities → realm model → yaml, git, store, system). "." is cli.ts, cli-args.ts,
// errors.ts: errors.ts is imported from everywhere and imports nothing of blue's.
const LEVELS: Record<string, number> = {
  ".": 0,
  system: 0,
  ui: 1,
  yaml: 1,
  store: 2,
  git: 2,
  forge: 2,
  realm: 3,
  compat: 4,
  trust: 4,
  journal: 4,
  check: 5,
  impact: 5,
  worktree: 5,
  sync: 6,
  pr: 6,
  contract: 6,
  bindings: 6,
  waive: 6,
  protect: 6,
  follow: 7,
  // the realm graph reads the realm and the open sync branches; the daemon's dashboard draws it
  graph: 7,
  // the dashboard's pages (inside the daemon, which wires them) draw the graph and read sync
  dashboard: 7,
  daemon: 8,
  status: 9,
  upgrade: 9,
  mcp: 10,
  commands: 11,
};

describe("the layout of src/", () => {
  const graph = importGraph();

  test("finds a circle when there is one (the walker itself)", () => {
    const g = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]], ["d.ts", ["a.ts"]]]);
    expect(importCircles(g)).toEqual([["a.ts", "b.ts", "c.ts"]]);
    expect(importCircles(new Map([["a.ts", ["b.ts"]], ["b.ts", []]]))).toEqual([]);
  });

  test("reads static and dynamic imports, and no type-only ones", () => {
    expect(graph.get("cli.ts")).toContain("commands/realm.ts");
    expect(graph.get("forge/client.ts")).toContain("forge/forgejo.ts");
    // forgejo.ts imports the Forge interface from forge.ts as a type only: no arrow back.
    expect(graph.get("forge/forgejo.ts")).not.toContain("forge/forge.ts");
  });

  test("no import circles among value imports, static or dynamic", () => {
    expect(importCircles(graph)).toEqual([]);
  });

  test("every folder of src/ has a level, and no import points to a higher one", () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      expect(LEVELS[from], `src/${from}/ is missing from LEVELS`).toBeDefined();
      if (file === "cli.ts") continue; // the entry point loads the commands
      for (const t of targets) {
        const to = folderOf(t);
        if (from !== to && LEVELS[to]! > LEVELS[from]!) upward.push(`${file} → ${t}`);
      }
    }
    expect(upward).toEqual([]);
  });

  test("no folder of src/ holds more than a quarter of its lines", () => {
    const lines = new Map<string, number>();
    let total = 0;
    for (const file of sourceFiles(SRC)) {
      const n = readFileSync(file, "utf8").split("\n").length;
      total += n;
      const folder = folderOf(relative(SRC, file));
      lines.set(folder, (lines.get(folder) ?? 0) + n);
    }
    const over = [...lines].filter(([, n]) => n > total / 4).map(([f, n]) => `${f}: ${((100 * n) / total).toFixed(1)}%`);
    expect(over).toEqual([]);
  });
});
