// The pictures: mermaid and DOT snapshots (golden files) of the RFC's realm, with and without a breaking change
// in flight, and of a seeded 30-repo realm; SVG drawn by Graphviz in WebAssembly that parses as XML and names
// every repo and contract; names from another team's YAML that try to break out of DOT, mermaid or SVG.
import { describe, expect, test } from "bun:test";
import { XMLValidator } from "fast-xml-parser";
import { buildGraph } from "../../src/graph/build.ts";
import { dotString, toDot } from "../../src/graph/dot.ts";
import { mermaidText, toMermaid } from "../../src/graph/mermaid.ts";
import { contractNodeId, repoNodeId, type GraphModel } from "../../src/graph/model.ts";
import { renderSvg } from "../../src/graph/svg.ts";
import { BREAKING_PROPOSAL, expectGolden, generatedModel, rfcModel } from "./fixtures.ts";

const rfc = () => buildGraph({ realm: "letemcook", model: rfcModel(), pending: [] });
const rfcPending = () => buildGraph({ realm: "letemcook", model: rfcModel(), pending: [BREAKING_PROPOSAL()], prs: new Map([["sync/aperture/20260125-100000", { ref: "#12", url: null }]]) });
const generated = () => buildGraph({ realm: "generated", model: generatedModel(), pending: [] });

/** XML's entities decoded (Graphviz writes `-` as `&#45;`): the text a reader of the SVG sees. */
const decode = (s: string) =>
  s.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!);

/** Each node of a Graphviz SVG: its title (the DOT id) and the box around its shape. */
function svgNodes(svg: string): Map<string, { x: number; y: number; w: number; h: number }> {
  const out = new Map<string, { x: number; y: number; w: number; h: number }>();
  for (const block of svg.split(/<g id="node\d+" class="node">/).slice(1)) {
    const title = decode(/<title>([\s\S]*?)<\/title>/.exec(block)![1]!);
    const shape = block.slice(0, block.indexOf("<text") === -1 ? undefined : block.indexOf("<text"));
    const pts: number[][] = [];
    for (const m of shape.matchAll(/(?:points|d)="([^"]*)"/g)) for (const p of m[1]!.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)) pts.push([Number(p[1]), Number(p[2])]);
    const e = /cx="([-\d.]+)" cy="([-\d.]+)" rx="([-\d.]+)" ry="([-\d.]+)"/.exec(shape);
    if (e) {
      const [cx, cy, rx, ry] = e.slice(1).map(Number) as [number, number, number, number];
      pts.push([cx - rx, cy - ry], [cx + rx, cy + ry]);
    }
    const xs = pts.map((p) => p[0]!);
    const ys = pts.map((p) => p[1]!);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    out.set(title, { x: (x0 + x1) / 2, y: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0 });
  }
  return out;
}

describe("snapshots", () => {
  test("the RFC's realm as mermaid and DOT", () => {
    expectGolden("rfc.mmd", toMermaid(rfc()));
    expectGolden("rfc.dot", toDot(rfc()));
  });

  test("the RFC's realm with a breaking change in flight: coloured, and marked in words", () => {
    const mmd = toMermaid(rfcPending());
    expectGolden("rfc-breaking.mmd", mmd);
    expectGolden("rfc-breaking.dot", toDot(rfcPending()));
    expect(mmd).toContain("[BREAKING] [SYNC #35;12]");
    expect(mmd).toContain("[BREAKING] [EXCLUDES 2.0.0] [NOT ACKED]");
  });

  test("a seeded 30-repo realm as mermaid and DOT", () => {
    const g = generated();
    expect(g.repos).toHaveLength(30);
    expectGolden("generated-30.mmd", toMermaid(g));
    expectGolden("generated-30.dot", toDot(g));
  });
});

describe("SVG", () => {
  for (const [name, make] of [["the RFC's realm", rfcPending], ["the 30-repo realm", generated]] as const) {
    test(`${name}: parses as XML and has a node for every repo and contract, maintainers in the tooltips`, async () => {
      const g = make();
      const svg = await renderSvg(toDot(g));
      expect(XMLValidator.validate(svg)).toBe(true);
      const nodes = svgNodes(svg);
      for (const r of g.repos) expect(nodes.has(repoNodeId(r.name)), r.name).toBe(true);
      for (const c of g.contracts) {
        expect(nodes.has(contractNodeId(c.id)), c.id).toBe(true);
        expect(decode(svg)).toContain(`${c.name}@${c.version}`);
      }
      for (const m of g.repos.flatMap((r) => r.maintainers)) expect(decode(svg)).toContain(m);
      expect(svg).toContain("Legend");
    });
  }

  test("a diamond lays out cleanly: one rank per step, the two middles side by side, no overlaps", async () => {
    const flags = { range_excludes_newest: false, pending_sync: null, breaking_in_flight: false, unacknowledged: false };
    const e = (kind: "export" | "import", repo: string, contract: string) => ({ kind, repo, contract, domain: "d", range: kind === "import" ? "^1.0.0" : null, resolved_version: null, flags });
    const c = (name: string, owner: string) => ({ id: `d/${name}`, domain: "d", name, version: "1.0.0", owner, versions: ["1.0.0"], proposed_version: null });
    const g: GraphModel = {
      realm: "diamond",
      commit: null,
      filter: {},
      domains: [{ name: "d", members: ["top", "left", "right", "bottom"] }],
      repos: ["top", "left", "right", "bottom"].map((name) => ({ name, maintainers: [], url: null, joined: true })),
      contracts: [c("from-top", "top"), c("from-left", "left"), c("from-right", "right")],
      edges: [e("export", "top", "d/from-top"), e("import", "left", "d/from-top"), e("import", "right", "d/from-top"), e("export", "left", "d/from-left"), e("export", "right", "d/from-right"), e("import", "bottom", "d/from-left"), e("import", "bottom", "d/from-right")],
    };
    const nodes = svgNodes(await renderSvg(toDot(g, { legend: false })));
    const at = (id: string) => nodes.get(id)!;
    const [top, left, right, bottom] = ["top", "left", "right", "bottom"].map((r) => at(repoNodeId(r)));
    const x = (id: string) => at(id).x;
    expect(top!.x).toBeLessThan(x(contractNodeId("d/from-top")));
    expect(x(contractNodeId("d/from-top"))).toBeLessThan(left!.x);
    expect(left!.x).toBe(right!.x);
    expect(left!.y).not.toBe(right!.y);
    expect(x(contractNodeId("d/from-left"))).toBe(x(contractNodeId("d/from-right")));
    expect(x(contractNodeId("d/from-left"))).toBeLessThan(bottom!.x);
    // The bottom sits between its two providers, as the top sits between its two importers.
    expect(bottom!.y).toBeGreaterThan(Math.min(left!.y, right!.y));
    expect(bottom!.y).toBeLessThan(Math.max(left!.y, right!.y));
    const boxes = [...nodes.values()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const overlap = Math.abs(a.x - b.x) < (a.w + b.w) / 2 && Math.abs(a.y - b.y) < (a.h + b.h) / 2;
        expect(overlap).toBe(false);
      }
    }
  });
});

describe("hostile names", () => {
  // The realm's loader refuses such names; the renderers must not rely on it (maintainers, urls and ranges are free text).
  const EVIL = [
    'x"]; "pwned" [label="owned',
    "a\\\"\n} digraph { \\N \\G",
    '</title><script>alert(1)</script><title>',
    'b"] --> pwned["x',
    "c|end\nsubgraph pwned\n#quot;`**md**`",
    "&amp; &lt;b&gt; %% comment",
  ];
  const hostile = (): GraphModel => {
    const flags = { range_excludes_newest: true, pending_sync: { branch: EVIL[1]!, pr: EVIL[0]!, url: null }, breaking_in_flight: false, unacknowledged: false };
    return {
      realm: EVIL[2]!,
      commit: null,
      filter: {},
      domains: [{ name: EVIL[4]!, members: [] }],
      repos: EVIL.map((name, i) => ({ name, maintainers: [EVIL[(i + 1) % EVIL.length]!], url: EVIL[(i + 2) % EVIL.length]!, joined: true })),
      contracts: EVIL.map((name, i) => ({ id: `${EVIL[4]}/${name}`, domain: EVIL[4]!, name, version: "1.0.0", owner: EVIL[i]!, versions: ["1.0.0"], proposed_version: EVIL[5]! })),
      edges: EVIL.flatMap((name, i) => [
        { kind: "export" as const, repo: EVIL[i]!, contract: `${EVIL[4]}/${name}`, domain: EVIL[4]!, range: null, resolved_version: null, flags },
        { kind: "import" as const, repo: EVIL[(i + 1) % EVIL.length]!, contract: `${EVIL[4]}/${name}`, domain: EVIL[4]!, range: EVIL[(i + 3) % EVIL.length]!, resolved_version: EVIL[0]!, flags },
      ]),
    };
  };

  test("DOT: every name stays one quoted string; Graphviz draws exactly the nodes and edges of the model, and no script", async () => {
    const g = hostile();
    const svg = await renderSvg(toDot(g));
    expect(XMLValidator.validate(svg)).toBe(true);
    // Graphviz keeps an id's escapes in the title; what counts is that no name made a node or edge of its own.
    const titles = [...svgNodes(svg).keys()];
    expect(titles).toHaveLength(g.repos.length + g.contracts.length + 1);
    expect(titles.filter((t) => t !== "legend" && !t.startsWith("repo:") && !t.startsWith("contract:"))).toEqual([]);
    for (const name of EVIL) expect(decode(svg)).toContain(name.split("\n")[0]!);
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(g.edges.length);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;");
    expect(dotString('a"b\\c\nd&')).toBe('"a\\"b\\\\c\\nd&amp;"');
  });

  test("mermaid: ids are generated, every text is one quoted string with no quote, bracket, pipe or line break of its own", () => {
    const g = hostile();
    const mmd = toMermaid(g);
    const grammar = [
      /^flowchart LR$/,
      /^ {2}r\d+\["[^"\n<>|]*"\]$/,
      /^ {2}subgraph legend\["Legend"\]$/,
      /^ {2}c\d+\(\["[^"\n|]*"\]\)$/,
      /^ {2}(r|c)\d+ -->\|"[^"\n<>|]*"\| (r|c)\d+$/,
      /^ {4}lg\d+\["[^"\n<>|]*"\]$/,
      /^ {2}style lg\d+ [a-zA-Z:#0-9,\- ]+$/,
      /^ {2}end$/,
      /^ {2}linkStyle \d+ [a-z:#0-9A-F,\- .]+$/,
      /^ {2}classDef (repo|contract) [a-z:#0-9A-F,]+$/,
      /^ {2}class [rc0-9,]+ (repo|contract)$/,
    ];
    for (const l of mmd.trimEnd().split("\n")) expect(grammar.some((re) => re.test(l)), l).toBe(true);
    // The only markup inside a label is blue's own line break.
    const texts = [...mmd.matchAll(/"([^"]*)"/g)].map((m) => m[1]!.replace(/<br\/>/g, ""));
    expect(texts.length).toBeGreaterThanOrEqual(g.repos.length + g.contracts.length + g.edges.length);
    for (const t of texts) expect(t).not.toMatch(/[<>]/);
    expect(mermaidText('a"b<c>|d\n#')).toBe("a#34;b#60;c#62;#124;d#10;#35;");
  });
});
