import { defineCommand } from "../cli-args.ts";
import { BuildInfo, buildInfo, formatBuildInfo } from "../system/build-info.ts";
import { json, line } from "../ui/output.ts";

export const version = defineCommand({
  meta: {
    name: "version",
    description: "Print blue's version; --verbose (also blue --version --verbose): commit, build date, Bun, target",
    examples: ["blue version --verbose", "blue version --json"],
  },
  args: {
    verbose: { type: "boolean", description: "Also the commit, build date, Bun version and release target" },
    json: { type: "boolean", description: "Print one JSON document (version, commit, built_at, bun, target)" },
  },
  run({ args }) {
    const info = buildInfo();
    if (args.json) return json(BuildInfo.parse(info));
    line(args.verbose ? formatBuildInfo(info) : `blue ${info.version}`);
  },
});
