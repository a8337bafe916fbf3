// A sync branch's content: its plan's files written into a worktree of the realm clone (contract versions,
// values, schemas and evolution entries; the importers' resolved versions), and its commit message.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isSeq } from "yaml";
import { mergeMainInto } from "./branches.ts";
import { syncTrailers } from "./pending.ts";
import type { BranchPlan } from "./plan.ts";
import { iso } from "../realm/membership.ts";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { editYamlFile } from "../yaml/source.ts";

/** Write one branch plan's files into a worktree of the realm. */
export async function writePlan(dir: string, clone: string, plan: BranchPlan, now: Date): Promise<void> {
  // The plan is read from main; a branch started from another sync branch has that branch's older main, which
  // may lack a binding the plan acknowledges in (added to main since that branch forked): bring main in first.
  if (plan.start !== "origin/main" && plan.acknowledgements.some((a) => !existsSync(join(dir, a.file)))) await mergeMainInto(dir, plan.branch);
  for (const u of plan.updates) {
    // Start from main's file (kept as people wrote it), so a reused branch is rewritten, not patched twice.
    const path = join(dir, u.file);
    writeFileAtomic(path, readFileSync(join(clone, u.file), "utf8"));
    editYamlFile(path, (doc) => {
      doc.set("version", u.to);
      doc.set("value", u.value);
      if (u.schema_changed) doc.set("schema", u.schema);
      const entry = doc.createNode({ version: u.to, changes: u.changes, compatible: u.compatible, published_at: iso(now) });
      const evo = doc.get("evolution", true);
      if (isSeq(evo)) evo.items.push(entry);
      else doc.set("evolution", doc.createNode([{ version: u.to, changes: u.changes, compatible: u.compatible, published_at: iso(now) }]));
    });
  }
  for (const a of plan.acknowledgements) {
    editYamlFile(join(dir, a.file), (doc) => {
      const imports = doc.get("imports", true);
      if (!isSeq(imports)) return;
      for (const item of imports.items) {
        if (!isMap(item) || item.get("contract") !== a.contract) continue;
        item.set("resolved_version", a.to);
        item.set("resolved_at", iso(now));
        item.set("status", "current");
      }
    });
  }
}

export function commitMessage(plan: BranchPlan, repo: string, now: Date): string {
  const lines = [plan.pr.title, ""];
  for (const u of plan.updates) lines.push(`${u.contract}: ${u.from} → ${u.to} (${u.compatible ? "compatible" : "breaking"})`, ...u.changes.map((c) => `  ${c}`));
  for (const a of plan.acknowledgements) lines.push(`${a.contract}: resolved_version ${a.from ?? "(none)"} → ${a.to}`);
  return `${lines.join("\n")}\n\n${syncTrailers({ repo, at: iso(now), base: plan.base })}`;
}
