// What the impact of a new contract version on its importers looks like (issue 19): the shapes `sync`'s plan, `check`
// and `blue realm impact` carry, and their lines. No compatibility engine here: sync's plan holds these shapes on
// every run, and judges an impact (impact/plan.ts) only when a contract changed.
import { z } from "zod";

export const ImporterImpact = z.object({
  repo: z.string(),
  range: z.string(),
  /** The version its binding resolved (null: not acknowledged yet). */
  resolved: z.string().nullable(),
  /** The version the new one was compared with (null: its range admits the new version, or it relies on none). */
  compared_with: z.string().nullable(),
  /** breaks: the new version breaks what it relies on; unknown: that version could not be read (counted as broken). */
  status: z.enum(["breaks", "unaffected", "unknown"]),
  /** Why, in a few words: "imports ^2", "imports >=1.0.0 <2.0.0, resolved 1.5.0". */
  reason: z.string(),
  /** The breaking changes (and value changes) between compared_with and the new version. */
  changes: z.array(z.string()),
});
export type ImporterImpact = z.infer<typeof ImporterImpact>;

export const ContractImpact = z.object({
  domain: z.string(),
  contract: z.string(),
  version: z.string(),
  importers: z.array(ImporterImpact),
  /** One line: "2.0.0 breaks fungal-image-analysis (imports >=1.0.0 <2.0.0, resolved 1.5.0); ml-infra unaffected (imports ^2)". */
  summary: z.string(),
});
export type ContractImpact = z.infer<typeof ContractImpact>;

/** The one line the issue asks for: who the version breaks, then who it leaves alone. */
export function summarize(version: string, importers: readonly ImporterImpact[]): string {
  if (importers.length === 0) return `${version}: no importers`;
  const order = { breaks: 0, unknown: 1, unaffected: 2 } as const;
  const parts = [...importers]
    .sort((a, b) => order[a.status] - order[b.status] || a.repo.localeCompare(b.repo))
    .map((i) => (i.status === "breaks" ? `breaks ${i.repo} (${i.reason})` : i.status === "unknown" ? `may break ${i.repo} (${i.reason})` : `${i.repo} unaffected (${i.reason})`));
  return `${version}${importers.some((i) => i.status !== "unaffected") ? "" : ":"} ${parts.join("; ")}`;
}

export function breaksAny(impact: ContractImpact): boolean {
  return impact.importers.some((i) => i.status !== "unaffected");
}

/** What `blue realm impact --json` prints. */
export const ImpactReport = z.object({ realm: z.string(), impacts: z.array(ContractImpact), breaks: z.boolean() });
export type ImpactReport = z.infer<typeof ImpactReport>;

/** The sync PR body's section: markdown, a row per importer. */
export function impactMarkdown(i: ContractImpact): string[] {
  if (i.importers.length === 0) return [];
  const word = { breaks: "**breaks**", unknown: "**may break**", unaffected: "unaffected" } as const;
  return [
    "",
    `Impact of ${i.contract} ${i.version} on its importers: ${i.summary}`,
    "",
    "| Importer | Range | Resolved | Impact |",
    "|---|---|---|---|",
    ...i.importers.map((imp) => `| ${imp.repo} | ${imp.range} | ${imp.resolved ?? "(none)"} | ${word[imp.status]}: ${imp.reason} |`),
  ];
}
