// The graph model as Graphviz DOT: repos as boxes, contracts (name@version, owner, domain) as ellipses,
// export edges from the owner, import edges to each importer with its range, flagged edges coloured and marked,
// and a legend. Every name, email and range comes from another team's YAML: each is written as an escaped DOT
// string, never as markup (no HTML labels carry data).
import { contractNodeId, FLAG_KINDS, repoNodeId, type GraphContract, type GraphModel, type GraphRepo } from "./model.ts";
import { edgeLabel, edgeStyle, FLAG_STYLES, PLAIN } from "./style.ts";

export type DotOptions = {
  /** A link for a node (the dashboard makes the SVG clickable); none by default. */
  href?: (node: { kind: "repo"; repo: GraphRepo } | { kind: "contract"; contract: GraphContract }) => string | undefined;
  /** Draw the legend (default true). */
  legend?: boolean;
};

/** A DOT quoted string: backslash and quote escaped, line breaks as DOT's `\n`, other control characters dropped.
 *  Escaping the backslash also disarms Graphviz's `\N`, `\G`, `\L` label escapes; `&` is written `&amp;` because
 *  Graphviz reads entities in strings (a name `&lt;b&gt;` is drawn as typed, not as `<b>`). */
export function dotString(s: string): string {
  const body = s
    .replace(/&/g, "&amp;")
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, "\\n")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, "");
  return `"${body}"`;
}

/** DOT text already escaped (built by dotString or lines), as opposed to data to escape. */
type Escaped = { dot: string };

/** Several lines as one label: each line escaped, joined by DOT's own line break. */
const lines = (...ls: string[]): Escaped => ({ dot: `"${ls.map((l) => dotString(l).slice(1, -1)).join("\\n")}"` });

const attrs = (a: Record<string, string | number | Escaped | undefined>) =>
  `[${Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "number" ? v : typeof v === "string" ? dotString(v) : v!.dot}`)
    .join(", ")}]`;

/** Past this many edges the layout is bounded (bench/graph.ts: 2,600 edges took ~35 s with edge labels as
 *  Graphviz ranks them, ~2.4 s with labels placed after the layout and the crossing search cut short). */
export const LARGE_GRAPH_EDGES = 150;

export function toDot(g: GraphModel, opts: DotOptions = {}): string {
  const large = g.edges.length > LARGE_GRAPH_EDGES;
  const out: string[] = [];
  out.push(`digraph ${dotString(`realm ${g.realm}`)} {`);
  out.push(`  graph [rankdir=LR, fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=1.1, ${large ? "nslimit=2, nslimit1=2, mclimit=0.3, searchsize=10, " : ""}label=${dotString(`realm ${g.realm}${filterText(g)}`)}, labelloc=t, tooltip=${dotString(`realm ${g.realm}`)}];`);
  out.push(`  node [fontname="Helvetica", fontsize=11];`);
  out.push(`  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];`);
  for (const r of g.repos) {
    const tip = [`repo ${r.name}`, r.maintainers.length ? `maintainers: ${r.maintainers.join(", ")}` : "maintainers: none listed", ...(r.url ? [r.url] : []), ...(r.joined ? [] : ["not joined yet"])];
    const href = opts.href?.({ kind: "repo", repo: r });
    out.push(`  ${dotString(repoNodeId(r.name))} ${attrs({ shape: "box", style: r.joined ? "rounded,filled" : "rounded,filled,dashed", fillcolor: "#E8F1FA", color: "#2B5B84", label: r.name, tooltip: lines(...tip), href, target: href ? "_top" : undefined })};`);
  }
  out.push(...isolatedRows(g));
  // No cluster per domain: a domain's contracts sit at different depths of the graph, and a cluster holding them
  // drags them into one column (a diamond came out lopsided). The domain is a line of the contract's label instead.
  for (const c of g.contracts) {
    const label = [`${c.name}@${c.version}`, `owner: ${c.owner}`, `domain: ${c.domain}`, ...(c.proposed_version ? [`proposed: ${c.proposed_version}`] : [])];
    const tip = [`contract ${c.id}@${c.version}`, `owner: ${c.owner}`, `versions: ${c.versions.join(", ") || c.version}`, ...(c.proposed_version ? [`proposed on an open sync branch: ${c.proposed_version}`] : [])];
    const href = opts.href?.({ kind: "contract", contract: c });
    out.push(`  ${dotString(contractNodeId(c.id))} ${attrs({ shape: "ellipse", style: "filled", fillcolor: "#FFF6DC", color: "#8A6D1B", label: lines(...label), tooltip: lines(...tip), href, target: href ? "_top" : undefined })};`);
  }
  const byId = new Map(g.contracts.map((c) => [c.id, c]));
  for (const e of g.edges) {
    const c = byId.get(e.contract);
    const newest = c ? (c.proposed_version ?? c.version) : null;
    const s = edgeStyle(e);
    const [from, to] = e.kind === "export" ? [repoNodeId(e.repo), contractNodeId(e.contract)] : [contractNodeId(e.contract), repoNodeId(e.repo)];
    const label = edgeLabel(e, newest);
    const tip = e.kind === "export" ? `${e.repo} exports ${e.contract}` : `${e.repo} imports ${e.contract} ${e.range ?? ""}${e.resolved_version ? ` (at ${e.resolved_version})` : " (not resolved yet)"}`;
    out.push(`  ${dotString(from)} -> ${dotString(to)} ${attrs({ [large ? "xlabel" : "label"]: label, tooltip: `${tip}: ${label}`, color: s.colour, fontcolor: s.colour === PLAIN.colour ? "#333333" : s.colour, style: s.dot.style, penwidth: s.dot.penwidth })};`);
  }
  if (opts.legend !== false) out.push(...legend());
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** Repos with no edge would all stand in the first column, one tall stack: set them in rows of a few instead,
 *  chained left to right by invisible edges. */
function isolatedRows(g: GraphModel, perRow = 5): string[] {
  const linked = new Set(g.edges.map((e) => e.repo));
  const alone = g.repos.filter((r) => !linked.has(r.name)).map((r) => dotString(repoNodeId(r.name)));
  if (alone.length < 2) return [];
  const out: string[] = [];
  for (let i = 0; i < alone.length; i += perRow) {
    const row = alone.slice(i, i + perRow);
    if (row.length > 1) out.push(`  ${row.join(" -> ")} [style=invis];`);
  }
  return out;
}

function filterText(g: GraphModel): string {
  const f = g.filter;
  const parts = [f.domain && `domain ${f.domain}`, f.repo && `repo ${f.repo} and its neighbours`, f.contract && `contract ${f.contract}`].filter(Boolean);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** One table of what each edge looks like. An HTML-like label, which carries no data: only
 *  the constants of style.ts. */
function legend(): string[] {
  const rows = [
    { sample: "────", colour: PLAIN.colour, text: "export / import (its range)" },
    ...FLAG_KINDS.map((k) => ({ sample: SAMPLE[k], colour: FLAG_STYLES[k].colour, text: `${markExample(k)} ${FLAG_STYLES[k].meaning}` })),
  ];
  const cells = rows.map((r) => `<tr><td align="left"><font color="${r.colour}">${r.sample}</font></td><td align="left"><font color="${r.colour === PLAIN.colour ? "#333333" : r.colour}">${htmlText(r.text)}</font></td></tr>`);
  return [
    `  "legend" [shape=plaintext, fontsize=9, tooltip="legend", label=<<table border="1" color="#BBBBBB" cellborder="0" cellspacing="2" cellpadding="2"><tr><td colspan="2"><b>Legend</b></td></tr>${cells.join("")}</table>>];`,
  ];
}

/** The line each kind is drawn with, as text (bold, dashed, dotted). */
const SAMPLE: Record<(typeof FLAG_KINDS)[number], string> = { breaking_in_flight: "━━━━", range_excludes_newest: "╍╍╍╍", unacknowledged: "┈┈┈┈", pending_sync: "╌╌╌╌" };

const htmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function markExample(k: (typeof FLAG_KINDS)[number]): string {
  return { breaking_in_flight: "[BREAKING]", range_excludes_newest: "[EXCLUDES x.y.z]", unacknowledged: "[NOT ACKED]", pending_sync: "[SYNC #n]" }[k];
}
