import { defineCommand } from "../../cli-args.ts";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../../package.json" with { type: "json" };
import { ExitCode, UsageError } from "../../errors.ts";
import { MODES, type Mode } from "../../realm/modes.ts";
import type { CheckReport } from "../../realm/check.ts";
import { CONFIG_PATH, findRepoRoot } from "../../repo-root.ts";
import { cachePathForRealm, cachePathForRepo, openCacheAt, sha256, type Cache } from "../../store/cache-db.ts";
import { DepRecorder } from "../../store/report-cache.ts";
import { renderText, toSarif } from "../../ui/check-report.ts";
import { json, warnStderr } from "../../ui/output.ts";

// What is imported above is what a repeated check with nothing changed needs: it finds its report in
// .blue/cache.db and prints it. The checker itself is loaded only when there is work to do.

export const check = defineCommand({
  meta: { name: "check", description: "Check that contracts are valid, code matches what it exports, imports are current, and changes are compatible (for CI)" },
  args: {
    mode: { type: "enum", options: [...MODES], description: "One mode (default: every mode that applies here)" },
    contract: { type: "string", description: "Only this contract", valueHint: "name" },
    from: { type: "string", description: "compatibility: the older version (default: the one before --to)", valueHint: "version" },
    to: { type: "string", description: "compatibility: the newer version (default: the current one)", valueHint: "version" },
    transitive: { type: "boolean", description: "compatibility: check the current version against every earlier one in evolution" },
    json: { type: "boolean", description: "Print one JSON document" },
    format: { type: "enum", options: ["text", "json", "sarif"], description: "Output format (sarif: SARIF 2.1.0 for code scanning)" },
    "hook-timeout": { type: "string", description: "Seconds a validation hook or extract command may run", default: "60" },
    realm: { type: "string", description: "Check this realm (cloned on this machine) instead of the one this repo belongs to", valueHint: "name" },
    cache: { type: "boolean", default: true, description: "Reuse results from .blue/cache.db (--no-cache: do all the work afresh)" },
  },
  async run({ args }) {
    const seconds = Number(args["hook-timeout"]);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--hook-timeout must be a number of seconds, not '${args["hook-timeout"]}'`);
    const format = args.json ? "json" : (args.format ?? "text");
    const enabled = args.cache !== false;
    const root = findRepoRoot();
    const key = enabled ? reportKey(root, args) : "";
    let cache: Cache | undefined;
    try {
      // Where the cache is, when that is known without reading any file: the realm repo itself, or a member repo.
      const guess = enabled && root && !args.realm ? (existsSync(join(root, "realm.yaml")) ? cachePathForRealm(root) : existsSync(join(root, CONFIG_PATH)) ? cachePathForRepo(root) : undefined) : undefined;
      if (guess) {
        cache = openCacheAt(guess, { enabled, warn: warnStderr });
        const cached = cache.getReport(key) as CheckReport | undefined;
        if (cached) return print(cached, format);
      }

      const { resolveCheckTarget, runCheck } = await import("../../realm/check-run.ts");
      // Recorded before they are read: a file that changes while the check runs makes its report a miss next time.
      const deps = enabled ? new DepRecorder() : undefined;
      if (root) {
        deps?.path(root, CONFIG_PATH);
        deps?.path(root, "realm.yaml");
      }
      const target = await resolveCheckTarget(args.realm);
      const cachePath = target.repoRoot ? cachePathForRepo(target.repoRoot) : cachePathForRealm(target.realmDir);
      if (cache?.path !== cachePath) {
        cache?.close();
        cache = openCacheAt(cachePath, { enabled, warn: warnStderr });
        const cached = cache.getReport(key) as CheckReport | undefined;
        if (cached) return print(cached, format);
      }
      deps?.realm(target.realmDir);
      const report = await runCheck(target, {
        modes: args.mode ? [args.mode as Mode] : undefined,
        contract: args.contract,
        from: args.from,
        to: args.to,
        transitive: args.transitive,
        hookTimeoutMs: seconds * 1000,
        ci: Boolean(process.env.CI),
        cache,
        deps,
      });
      if (deps && !deps.unrepeatable) cache.putReport(key, deps.deps(), report);
      return print(report, format);
    } finally {
      cache?.close();
    }
  },
});

function print(report: CheckReport, format: string): number {
  if (format === "json") json(report);
  else if (format === "sarif") json(toSarif(report));
  else renderText(report);
  return report.summary.errors ? ExitCode.failed : report.summary.warnings ? ExitCode.warnings : ExitCode.ok;
}

/** A report is reused only for the same question (arguments, repo, environment that changes the answer) asked of
 *  the same blue: its version and this executable's size and mtime (a rebuilt blue may check differently). */
function reportKey(root: string | undefined, args: Record<string, unknown>): string {
  const exe = statSync(process.execPath, { throwIfNoEntry: false });
  const question = ["mode", "contract", "from", "to", "transitive", "realm", "hook-timeout"].map((a) => args[a] ?? null);
  const env = ["CI", "BLUE_HOME", "HOME", "BLUE_AJV_ONLY", "GIT_DIR"].map((v) => process.env[v] ?? null);
  return sha256(JSON.stringify([pkg.version, exe ? [exe.size, exe.mtimeMs] : null, root ?? null, question, env]));
}
