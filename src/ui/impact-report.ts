// How impact per consumer is shown (blue realm impact, check --mode=compatibility, sync --dry-run): a ✗/?/✓ line per importer with what breaks it, then the one-line summary.
import type { ContractImpact } from "../impact/plan.ts";
import { failText, okText, warnText } from "./output.ts";

const MARK = { breaks: failText, unknown: warnText, unaffected: okText } as const;
const WORD = { breaks: "breaks", unknown: "may break", unaffected: "unaffected" } as const;

export function formatImpact(impacts: readonly ContractImpact[]): string {
  const out: string[] = [];
  for (const i of impacts) {
    out.push(`impact of ${i.contract} ${i.version} (${i.domain}) on its importers:`);
    if (i.importers.length === 0) out.push("  no importers");
    for (const imp of i.importers) {
      out.push(MARK[imp.status](`${imp.repo} ${WORD[imp.status]}: ${imp.reason}`));
      if (imp.status !== "unaffected") for (const c of imp.changes) out.push(`    ${c}`);
    }
    out.push(i.summary);
  }
  return out.join("\n");
}
