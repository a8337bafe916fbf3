// `blue upgrade`, decided before anything is downloaded or replaced (pure): whether this binary may replace itself
// at all, and, once the release it would get is known, whether to and from where.
import semver from "semver";
import { z } from "zod";
import { assetName, assetUrl } from "./release.ts";

/** What the run found out about the running binary before asking the network anything. */
export type Installation = {
  /** The running binary, symlinks resolved (process.execPath). */
  path: string;
  /** Compiled by build.ts (false: `bun src/cli.ts`, nothing of ours to replace). */
  compiled: boolean;
  /** The build's release target (build-info.ts), "source" when not known. */
  target: string;
  /** install.sh's receipt is beside the binary. */
  receipt: boolean;
  /** The binary's directory may be written by this user (a new file there, then a rename over the old one). */
  writable: boolean;
};

export type Refusal = { message: string; hint: string };

/**
 * Why this binary must not replace itself, or undefined. `--check` replaces nothing, so it is refused only what
 * it cannot answer (which release asset this is). `--force` overrides the missing receipt only: a directory this
 * user cannot write, or a binary run by `bun`, stays refused.
 */
export function refusal(inst: Installation, opts: { check: boolean; force: boolean }): Refusal | undefined {
  if (!inst.compiled) {
    return {
      message: "blue upgrade replaces a compiled blue, and this one runs from source (bun src/cli.ts)",
      hint: "Update the checkout with git instead (git pull, then bun run build.ts), or run an installed blue.",
    };
  }
  if (opts.check) return undefined;
  if (!inst.writable) {
    return {
      message: `cannot replace ${inst.path}: its directory is not writable by this user`,
      hint: "Upgrade it the way it was installed (your package manager, or as the user who owns it).",
    };
  }
  if (!inst.receipt && !opts.force) {
    return {
      message: `${inst.path} was not installed by install.sh (no .blue-install beside it), so a package manager or you may own it`,
      hint: "Upgrade it the way it was installed, or run 'blue upgrade --force' to replace it anyway.",
    };
  }
  return undefined;
}

/** `blue upgrade --json` (with or without --check): the plan, then what was done. */
export const UpgradePlan = z.object({
  /** The running blue's version. */
  current: z.string(),
  /** The version that would be installed: the one asked for with --version, else the newest release. */
  available: z.string(),
  /** Whether `available` came from --version (else from the newest release's VERSION asset). */
  pinned: z.boolean(),
  /** install: download and replace; none: nothing to do. */
  action: z.enum(["install", "none"]),
  reason: z.enum(["upgrade", "downgrade", "reinstall", "up_to_date", "ahead_of_latest"]),
  asset: z.string(),
  binary_url: z.string(),
  sums_url: z.string(),
});
export type UpgradePlan = z.infer<typeof UpgradePlan>;

export const UpgradeReport = UpgradePlan.extend({
  /** The binary that was (or would be) replaced. */
  path: z.string(),
  /** Whether it was replaced by this run (false for --check and for nothing to do). */
  replaced: z.boolean(),
  /** A daemon of the old binary that was running: restarted on the new one, or stopped (the next command that
   *  needs it starts it); null when none ran or nothing was replaced. */
  daemon: z.enum(["restarted", "stopped"]).nullable(),
});
export type UpgradeReport = z.infer<typeof UpgradeReport>;

/** The version to compare with, from `--version` (a leading v is allowed); undefined when it is not X.Y.Z. */
export function requestedVersion(given: string): string | undefined {
  const v = semver.valid(given.trim().replace(/^v/, ""));
  return v ?? undefined;
}

/**
 * What to do, once the release is known: `available` is the --version asked for (pinned) or the newest release.
 * A pinned version is installed whatever its order (a downgrade is asked for by name); the newest release only
 * when it is newer, or the same with --force (a reinstall, e.g. over a damaged binary).
 */
export function planUpgrade(f: { current: string; available: string; pinned: boolean; force: boolean; target: string; base: string }): UpgradePlan {
  const asset = assetName(f.target);
  const cmp = semver.compare(f.available, f.current);
  const reason: UpgradePlan["reason"] =
    cmp > 0 ? "upgrade" : cmp === 0 ? (f.force ? "reinstall" : "up_to_date") : f.pinned ? "downgrade" : "ahead_of_latest";
  const action = reason === "up_to_date" || reason === "ahead_of_latest" ? "none" : "install";
  return {
    current: f.current,
    available: f.available,
    pinned: f.pinned,
    action,
    reason,
    asset,
    binary_url: assetUrl(f.base, f.available, asset),
    sums_url: assetUrl(f.base, f.available, "SHA256SUMS"),
  };
}
