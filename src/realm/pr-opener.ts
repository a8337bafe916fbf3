// Which PrOpener serves a repo of a coordinated change. Today every repo is treated as plain git (`noForge`):
// its branch is pushed and no PR is opened. The forge layer (src/forge/) plugs Forgejo and GitHub in through
// `prOpenerFor`, choosing by the repo's origin URL or the realm's forge config.
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

export const prOpenerFor: PrOpenerFor = () => noForge;
