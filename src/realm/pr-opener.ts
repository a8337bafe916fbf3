// Which PrOpener serves a repo of a coordinated change: Forgejo or GitHub when its origin is on one
// (src/forge/pr-opener-forge.ts), else plain git (`noForge`): its branch is pushed and no PR is opened.
import type { PrOpener, PrTarget } from "./pr-plan.ts";

/** A plain git remote: nothing to open; branch names stand in for PR numbers in the merge order. */
export const noForge: PrOpener = {
  forge: "none",
  find: async () => null,
  open: async () => null,
  update: async () => undefined,
  markBlockedBy: async () => "unsupported",
  status: async () => null,
};

export type PrOpenerFor = (target: PrTarget) => PrOpener | Promise<PrOpener>;

export const prOpenerFor: PrOpenerFor = (target) => import("../forge/pr-opener-forge.ts").then((m) => m.forgePrOpener(target));
