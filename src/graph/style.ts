// How a flagged edge looks, the same in DOT, mermaid, SVG and the dashboard's table: a colour (Okabe–Ito, told
// apart by colour-blind readers), a line style, and a text mark in the label so the picture reads in monochrome.
import { FLAG_KINDS, flagSet, type FlagKind, type GraphEdge } from "./model.ts";

export type FlagStyle = {
  colour: string;
  /** DOT `style` and `penwidth`; mermaid's stroke-dasharray and width say the same. */
  dot: { style: "solid" | "dashed" | "dotted" | "bold"; penwidth: number };
  dash: string | null;
  /** The mark in the edge's label; `edge` gives it its detail (the version a range excludes, the PR). */
  mark: (edge: GraphEdge, newest: string | null) => string;
  /** The legend's words. */
  meaning: string;
};

export const PLAIN = { colour: "#555555", dot: { style: "solid", penwidth: 1 }, dash: null } as const;

export const FLAG_STYLES: Record<FlagKind, FlagStyle> = {
  breaking_in_flight: {
    colour: "#D55E00",
    dot: { style: "bold", penwidth: 3 },
    dash: null,
    mark: () => "[BREAKING]",
    meaning: "a breaking change is in flight (proposed on an open sync branch)",
  },
  range_excludes_newest: {
    colour: "#CC79A7",
    dot: { style: "dashed", penwidth: 2 },
    dash: "6 4",
    mark: (_e, newest) => (newest ? `[EXCLUDES ${newest}]` : "[EXCLUDES NEWEST]"),
    meaning: "the import's range does not take the newest version",
  },
  unacknowledged: {
    colour: "#E69F00",
    dot: { style: "dotted", penwidth: 2 },
    dash: "2 3",
    mark: () => "[NOT ACKED]",
    meaning: "the importer has not acknowledged the newest version (a notification is owed)",
  },
  pending_sync: {
    colour: "#0072B2",
    dot: { style: "dashed", penwidth: 1.5 },
    dash: "10 3",
    mark: (e) => {
      const s = e.flags.pending_sync!;
      return `[SYNC ${s.pr && s.pr !== s.branch ? s.pr : s.branch}]`;
    },
    meaning: "an open sync branch or PR touches this edge",
  },
};

export const flagsOf = (e: GraphEdge): FlagKind[] => FLAG_KINDS.filter((k) => flagSet(e.flags, k));

/** The style an edge is drawn in: its first flag's (FLAG_KINDS is ordered by urgency), else plain. */
export function edgeStyle(e: GraphEdge): Pick<FlagStyle, "colour" | "dot" | "dash"> {
  const first = flagsOf(e)[0];
  return first ? FLAG_STYLES[first] : PLAIN;
}

/** An edge's label: what it is (exports; the import's range) and a mark for every flag it carries. */
export function edgeLabel(e: GraphEdge, newest: string | null): string {
  const head = e.kind === "export" ? "exports" : e.range ?? "";
  return [head, ...flagsOf(e).map((k) => FLAG_STYLES[k].mark(e, newest))].filter(Boolean).join(" ");
}
