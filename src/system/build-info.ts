// What this blue is: its version, the commit and time it was built from, the Bun runtime inside it and the
// target it was built for (which release asset it is, so `blue upgrade` fetches the same kind). build.ts bakes
// them in with --define BLUE_BUILD=…; run from source (`bun src/cli.ts`) only the version is known.
import { z } from "zod";
import pkg from "../../package.json" with { type: "json" };

declare const BLUE_BUILD: { version: string; commit: string; built_at: string; target: string } | undefined;

/** `blue version --json`. */
export const BuildInfo = z.object({
  version: z.string(),
  /** `git rev-parse --short HEAD` of the build, or "unknown" (not built from a git checkout, or from source). */
  commit: z.string(),
  /** UTC ISO time of the build (SOURCE_DATE_EPOCH when set), null from source. */
  built_at: z.string().nullable(),
  /** The Bun runtime this blue runs on. */
  bun: z.string(),
  /** The release target it was built for (`linux-x64`, `linux-arm64-musl`, `darwin-arm64`, …), or "source". */
  target: z.string(),
});
export type BuildInfo = z.infer<typeof BuildInfo>;

/** Not compiled by build.ts: `bun src/cli.ts`, or a binary built by hand without the define. */
export const FROM_SOURCE = "source";

export function buildInfo(): BuildInfo {
  // A bare reference would throw where the define is absent: typeof does not.
  const baked = typeof BLUE_BUILD === "undefined" ? undefined : BLUE_BUILD;
  return {
    version: pkg.version,
    commit: baked?.commit ?? "unknown",
    built_at: baked?.built_at ?? null,
    bun: Bun.version,
    target: baked?.target ?? FROM_SOURCE,
  };
}

/** `blue --version --verbose`: the version line, then one line per fact. */
export function formatBuildInfo(info: BuildInfo): string {
  return [
    `blue ${info.version}`,
    `commit:  ${info.commit}`,
    `built:   ${info.built_at ?? "unknown (run from source)"}`,
    `bun:     ${info.bun}`,
    `target:  ${info.target}`,
  ].join("\n");
}
