// A sync branch's content: its plan's files written into a worktree of the realm clone (contract versions,
// values, schemas and evolution entries; the importers' resolved versions), and its commit message.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { yamlLibrary } from "../yaml/library.ts";
import { mergeMainInto } from "./branches.ts";
import { git } from "../git/realm-repo.ts";
import { syncTrailers } from "./pending.ts";
import type { BranchPlan } from "./plan.ts";
import { iso } from "../realm/membership.ts";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { editYamlFile } from "../yaml/source.ts";

/**
 * Whether a plan's branch must take main in before its files are written: it starts from another sync branch,
 * whose older main has a binding the plan acknowledges in that is not main's (added, or changed by the
 * importer's own earlier sync, since that branch forked). Edited as the branch has it, the binding would
 * conflict with main's when the branch merges; merging main in is what that merge would do anyway.
 */
export async function needsMain(clone: string, plan: BranchPlan): Promise<boolean> {
  if (plan.start === "origin/main" || plan.acknowledgements.length === 0) return false;
  const files = [...new Set(plan.acknowledgements.map((a) => a.file))];
  const ids = await git(clone)
    .raw(["rev-parse", ...files.flatMap((f) => [`origin/main:${f}`, `${plan.start}:${f}`])])
    .catch(() => undefined); // a file one of them lacks
  if (ids === undefined) return true;
  const lines = ids.split("\n");
  return files.some((_, i) => lines[2 * i] !== lines[2 * i + 1]);
}

/** Write one branch plan's files into a worktree of the realm (main merged in first when `mergeMain`). */
export async function writePlan(dir: string, clone: string, plan: BranchPlan, now: Date, mergeMain = false): Promise<void> {
  if (mergeMain || (plan.start !== "origin/main" && plan.acknowledgements.some((a) => !existsSync(join(dir, a.file))))) await mergeMainInto(dir, plan.branch);
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
      if (yamlLibrary().isSeq(evo)) evo.items.push(entry);
      else doc.set("evolution", doc.createNode([{ version: u.to, changes: u.changes, compatible: u.compatible, published_at: iso(now) }]));
    });
  }
  for (const a of plan.acknowledgements) {
    editYamlFile(join(dir, a.file), (doc) => {
      const imports = doc.get("imports", true);
      if (!yamlLibrary().isSeq(imports)) return;
      for (const item of imports.items) {
        if (!yamlLibrary().isMap(item) || item.get("contract") !== a.contract) continue;
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
