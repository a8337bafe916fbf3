import { defineCommand } from "../../cli-args.ts";
import { ExitCode, UsageError } from "../../errors.ts";
import { json, line } from "../../ui/output.ts";

export const impact = defineCommand({
  meta: {
    name: "impact",
    description: "Which importers a version of a contract breaks, and which it leaves alone (from each importer's range, resolved version and the verdict against it)",
    examples: [
      "blue realm impact s3-permissions                 # the current version",
      "blue realm impact s3-permissions --to 2.0.0      # a published version",
      "blue realm impact s3-permissions --local         # what this repo's code would publish (the owner)",
      "blue realm impact s3-permissions --json",
    ],
  },
  args: {
    contract: { type: "positional", required: true, description: "The contract", valueHint: "contract" },
    to: { type: "string", description: "A published version (default: the current one)", valueHint: "version" },
    local: { type: "boolean", description: "The version sync would publish from this repo's code (in the repo that owns the contract)" },
    json: { type: "boolean", description: "Print one JSON document" },
    "hook-timeout": { type: "string", description: "Seconds the extract command may run (--local)", default: "60", valueHint: "seconds" },
    realm: { type: "string", description: "Look in this realm (cloned on this machine) instead of the one this repo belongs to", valueHint: "name" },
  },
  async run({ args }) {
    if (args.to !== undefined && args.local) throw new UsageError("--to and --local name the new version two ways", "Pass one: --to VERSION (published) or --local (this repo's code).");
    const seconds = Number(args["hook-timeout"]);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--hook-timeout must be a number of seconds, not '${args["hook-timeout"]}'`, "For example: --hook-timeout 120");
    const [{ resolveCheckTarget }, { runImpact, localReader }, { breaksAny }] = await Promise.all([import("../../check/run.ts"), import("../../impact/run.ts"), import("../../impact/plan.ts")]);
    const target = await resolveCheckTarget(args.realm);
    if (args.local && !(target.repoRoot && target.repo)) throw new UsageError("--local reads the contract from this repo's code: run it in the member repo that owns it", "Or pass --to VERSION.");
    const impacts = await runImpact(target.realmDir, target.realm, {
      contract: String(args.contract),
      ...(args.to !== undefined ? { to: String(args.to) } : {}),
      ...(args.local ? { local: localReader({ repoRoot: target.repoRoot!, repo: target.repo!, realm: target.realm, ...(target.pins ? { pins: target.pins } : {}) }, seconds * 1000) } : {}),
    });
    const breaks = impacts.some(breaksAny);
    if (args.json) json({ realm: target.realm, impacts, breaks });
    else line((await import("../../ui/impact-report.ts")).formatImpact(impacts));
    // 1: some importer is broken (or may be: a version it relies on could not be read); 0: nobody is.
    return breaks ? ExitCode.failed : ExitCode.ok;
  },
});
