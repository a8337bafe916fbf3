import { defineCommand } from "../cli-args.ts";
import { buildInfo } from "../system/build-info.ts";
import { clockNow } from "../system/clock.ts";
import { json, line, ok, progress, warnStderr } from "../ui/output.ts";

export const upgrade = defineCommand({
  meta: {
    name: "upgrade",
    description: "Replace this blue with the newest release (or --version X), checked against the release's SHA256SUMS",
    examples: ["blue upgrade --check", "blue upgrade", "blue upgrade --version 0.2.0", "# from a mirror:", "BLUE_DOWNLOAD_URL=https://mirror.example/blue blue upgrade"],
  },
  args: {
    check: { type: "boolean", description: "Only say whether a newer release exists (exit 0 either way); replace nothing" },
    version: { type: "string", description: "Install this release instead of the newest (a downgrade too)", valueHint: "X.Y.Z" },
    force: { type: "boolean", description: "Replace a blue that install.sh did not install, or reinstall the same version" },
    json: { type: "boolean", description: "Print one JSON document: the plan and what was done" },
  },
  async run({ args }) {
    const { upgrade: run } = await import("../upgrade/run.ts");
    const info = buildInfo();
    const report = await run({
      check: Boolean(args.check),
      force: Boolean(args.force),
      ...(args.version !== undefined ? { version: String(args.version) } : {}),
      env: process.env,
      now: () => clockNow(),
      self: { path: process.execPath, compiled: Bun.isStandaloneExecutable, version: info.version, target: info.target },
      // The download is ~110 MB: on a terminal, say what is happening before it starts.
      progress: (text) => void progress(text),
    });
    if (args.json) return json(report);
    const { current, available } = report;
    if (report.reason === "up_to_date") return ok(report.pinned ? `blue ${current} is already installed (--force reinstalls it)` : `blue ${current} is up to date`);
    if (report.reason === "ahead_of_latest") return ok(`blue ${current} is newer than the newest release (${available}); nothing to do`);
    if (args.check) {
      line(`blue ${available} is available (this is ${current}): run 'blue upgrade${report.pinned ? ` --version ${available}` : ""}'`);
      return;
    }
    ok(`${report.reason === "downgrade" ? "Downgraded" : report.reason === "reinstall" ? "Reinstalled" : "Upgraded"} blue ${current} → ${available} at ${report.path}`);
    if (report.daemon === "restarted") ok(`Daemon restarted on blue ${available}`);
    if (report.daemon === "stopped") warnStderr(`the daemon of blue ${current} was stopped and blue ${available}'s did not start; the next command that needs it starts it`);
  },
});
