// The graph model as a mermaid flowchart (what GitHub and GitLab draw inside a ```mermaid block): the same
// nodes, edges, colours and marks as the DOT picture. Node ids are generated (r0, c0), never taken from names,
// and every text is quoted with mermaid's entity codes, so a name cannot end a label or add markup.
import { FLAG_KINDS, type GraphModel } from "./model.ts";
import { edgeLabel, edgeStyle, FLAG_STYLES, PLAIN } from "./style.ts";

const SAFE = /[A-Za-z0-9 .,:;_@^~=+\-*/()[\]{}!?']/;

/** Text inside a mermaid `"…"`: anything that could close it or be read as HTML or markdown (`"`, `<`, `>`,
 *  `&`, `#`, `|`, backquote, line breaks…) becomes a `#code;` entity. */
export function mermaidText(s: string): string {
  let out = "";
  for (const ch of s) out += SAFE.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

const q = (...lines: string[]) => `"${lines.map(mermaidText).join("<br/>")}"`;

export function toMermaid(g: GraphModel, opts: { legend?: boolean } = {}): string {
  const out = ["flowchart LR"];
  const repoId = new Map(g.repos.map((r, i) => [r.name, `r${i}`]));
  const contractId = new Map(g.contracts.map((c, i) => [c.id, `c${i}`]));
  for (const r of g.repos) out.push(`  ${repoId.get(r.name)}[${q(r.name)}]`);
  // No subgraph per domain, as in DOT: it would pull a domain's contracts into one column.
  for (const c of g.contracts) {
    out.push(`  ${contractId.get(c.id)}([${q(`${c.name}@${c.version}`, `owner: ${c.owner}`, `domain: ${c.domain}`, ...(c.proposed_version ? [`proposed: ${c.proposed_version}`] : []))}])`);
  }
  const styles: string[] = [];
  const byId = new Map(g.contracts.map((c) => [c.id, c]));
  let link = 0;
  const linkStyle = (s: ReturnType<typeof edgeStyle>) => {
    const width = s.dot.penwidth >= 3 ? 3 : s.dot.penwidth >= 1.5 ? 2 : 1;
    styles.push(`  linkStyle ${link} stroke:${s.colour},stroke-width:${width}px${s.dash ? `,stroke-dasharray:${s.dash}` : ""},color:${s.colour}`);
  };
  for (const e of g.edges) {
    const r = repoId.get(e.repo);
    const c = contractId.get(e.contract);
    if (!r || !c) continue;
    const contract = byId.get(e.contract)!;
    const label = q(edgeLabel(e, contract.proposed_version ?? contract.version));
    out.push(e.kind === "export" ? `  ${r} -->|${label}| ${c}` : `  ${c} -->|${label}| ${r}`);
    const s = edgeStyle(e);
    if (s !== PLAIN) linkStyle(s);
    link++;
  }
  if (opts.legend !== false) {
    // One box per kind, bordered and lettered as its edges are drawn: a legend without sample edges between blank boxes.
    out.push(`  subgraph legend[${q("Legend")}]`);
    out.push(`    lg0[${q("export / import (its range)")}]`);
    FLAG_KINDS.forEach((k, i) => out.push(`    lg${i + 1}[${q(`${FLAG_STYLES[k].mark(exampleEdge, "x.y.z")} ${FLAG_STYLES[k].meaning}`)}]`));
    out.push("  end");
    const box = (s: ReturnType<typeof edgeStyle>) => `fill:#FFFFFF,stroke:${s.colour},stroke-width:${s.dot.penwidth >= 3 ? 3 : s.dot.penwidth >= 1.5 ? 2 : 1}px${s.dash ? `,stroke-dasharray:${s.dash}` : ""},color:${s.colour === PLAIN.colour ? "#333333" : s.colour}`;
    styles.push(`  style lg0 ${box(PLAIN)}`, ...FLAG_KINDS.map((k, i) => `  style lg${i + 1} ${box(FLAG_STYLES[k])}`));
  }
  out.push(...styles);
  out.push("  classDef repo fill:#E8F1FA,stroke:#2B5B84,color:#1B3550");
  out.push("  classDef contract fill:#FFF6DC,stroke:#8A6D1B,color:#4A3A0B");
  if (repoId.size) out.push(`  class ${[...repoId.values()].join(",")} repo`);
  if (contractId.size) out.push(`  class ${[...contractId.values()].join(",")} contract`);
  return `${out.join("\n")}\n`;
}

/** What the legend's sample marks are drawn from. */
const exampleEdge = {
  kind: "import" as const,
  repo: "",
  contract: "",
  domain: "",
  range: null,
  resolved_version: null,
  flags: { range_excludes_newest: true, pending_sync: { branch: "sync/…", pr: "#n" }, breaking_in_flight: true, unacknowledged: true },
};
