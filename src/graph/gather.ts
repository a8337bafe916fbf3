// What buildGraph needs, read from a realm clone: the model on main, the open sync branches and, when a sync
// host is given, each branch's PR. The one I/O step of a graph; `blue realm graph` and the dashboard call it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { headCommit } from "../git/head.ts";
import { loadValidRealm } from "../realm/load.ts";
import type { SyncHost } from "../sync/host.ts";
import type { PendingSync } from "../sync/pending.ts";
import type { GraphInput } from "./build.ts";

export type GatherOptions = {
  /** The sync host, asked for each open branch's PR (forges: `#12` and its URL) and whether a provider's PR closed
   *  unmerged; called only when the clone has open sync branches (picking a forge host may warn or reach out). */
  host?: () => Promise<SyncHost | undefined>;
  /** Notifications the daemon holds (the dashboard has them; the CLI goes by the realm alone). */
  notifications?: GraphInput["notifications"];
};

export async function gatherGraphInput(clone: string, realm: string, opts: GatherOptions = {}): Promise<GraphInput & { warnings: ReturnType<typeof loadValidRealm>["warnings"] }> {
  const { model, warnings } = loadValidRealm(clone, realm);
  let pending: PendingSync[] = [];
  const prs = new Map<string, { ref: string; url: string | null }>();
  if (hasSyncBranches(clone)) {
    // git log and diff per branch: loaded only when the clone has open sync branches.
    const { readPending, markClosedBases } = await import("../sync/run.ts");
    pending = await readPending(clone, model);
    const host = pending.length > 0 ? await opts.host?.() : undefined;
    if (host) {
      await markClosedBases(pending, host);
      for (const p of pending) {
        const pr = await host.describe(p.branch);
        if (pr) prs.set(p.branch, { ref: pr.ref, url: pr.url });
      }
    }
  }
  // The loader read the checkout: its HEAD is the commit drawn (a clone has main out).
  const commit = (await headCommit(clone)) ?? null;
  return { realm, commit, model, pending, prs, notifications: opts.notifications, warnings };
}

/** As status reads it: a clone without remote sync refs has no open sync branch, and needs no git to say so. */
function hasSyncBranches(clone: string): boolean {
  if (existsSync(join(clone, ".git", "refs", "remotes", "origin", "sync"))) return true;
  const packed = join(clone, ".git", "packed-refs");
  return existsSync(packed) && readFileSync(packed, "utf8").includes("refs/remotes/origin/sync/");
}
