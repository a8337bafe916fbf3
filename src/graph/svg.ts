// DOT laid out and drawn as SVG in-process by Graphviz compiled to WebAssembly (@viz-js/viz, its wasm inlined in
// its JavaScript, so it is bundled into the one binary). Loaded by dynamic import only here: the ~1.2 MB module is
// parsed by the commands that draw, not by every start of blue.
import type { Viz } from "@viz-js/viz";
import { BlueError } from "../errors.ts";

// One instance per process: the dashboard draws again on every change, and instantiating the wasm costs more than
// a small layout.
let viz: Promise<Viz> | undefined;

export async function renderSvg(dot: string): Promise<string> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  const result = (await viz).render(dot, { format: "svg", engine: "dot" });
  if (result.status !== "success") {
    const errors = result.errors.filter((e) => e.level !== "warning").map((e) => e.message.trim());
    throw new BlueError(`Graphviz could not lay out the graph: ${errors.join("; ") || "unknown error"}`, "Draw it as text instead (--format dot or mermaid), or narrow it with --domain, --repo or --contract; report the realm's shape if it persists.");
  }
  return result.output;
}
