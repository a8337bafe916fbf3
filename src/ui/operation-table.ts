// The table a cross-repo operation (`blue realm pr`, `worktree`, `sync`) shows when it stopped part-way: each
// repo done, failed with its reason, or not started, and how to go on. `--json` carries the table instead.
import type { OperationTable } from "../journal/journal.ts";
import { dim, failText, line, okText, warnText } from "./output.ts";

export function operationTableLines(t: OperationTable): string[] {
  const width = Math.max(...t.rows.map((r) => r.repo.length), 4);
  const lines = t.rows.map((r) => {
    const name = r.repo.padEnd(width);
    const steps = r.steps.length ? ` (${r.steps.join(", ")})` : "";
    if (r.state === "done") return okText(`${name}  done${steps}`);
    if (r.state === "failed") return failText(`${name}  failed at ${r.failed_step}: ${r.reason}${steps}`);
    if (r.state === "partly done") return warnText(`${name}  partly done${steps}`);
    return dim(`  ${name}  not started`);
  });
  return lines;
}

/** The hint under the error line of a run that stopped part-way. */
export function resumeHint(command: string, reason = ""): string {
  // A rate limit past --max-wait says when it lifts (forge/rate-limit.ts): then is when to go on.
  const lifts = /lifts at (\d\d:\d\d:\d\d)/.exec(reason)?.[1];
  if (lifts) return `Run '${command}' again after ${lifts} (or with --resume; --max-wait or BLUE_MAX_WAIT allows a longer wait): it does only what is left.`;
  return `Fix what failed, then run '${command}' again (or with --resume): it does only what is left.`;
}

export function printOperationTable(t: OperationTable): void {
  for (const l of operationTableLines(t)) line(l);
}
