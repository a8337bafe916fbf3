// Which PrOpener serves a repo of a coordinated change: Forgejo or GitHub when its origin is on one
// (opener-forge.ts), else plain git (`noForge` there): its branch is pushed and no PR is opened.
import type { PrOpener, PrTarget } from "./plan.ts";

export type PrOpenerFor = (target: PrTarget) => PrOpener | Promise<PrOpener>;

export const prOpenerFor: PrOpenerFor = (target) => import("./opener-forge.ts").then((m) => m.forgePrOpener(target));
