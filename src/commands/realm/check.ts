import { defineCommand } from "../../cli-args.ts";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../../package.json" with { type: "json" };
import { ConfigError, ExitCode, UsageError } from "../../errors.ts";
import { MODES, type Mode } from "../../check/modes.ts";
import type { CheckReport } from "../../check/findings.ts";
import type { CheckTarget } from "../../check/run.ts";
import { CONFIG_PATH, findRepoRoot } from "../../system/repo-root.ts";
import type { Cache } from "../../store/cache-db.ts";
import { cachePathForRealm, cachePathForRepo, reportsDirFor } from "../../store/cache-paths.ts";
import { sha256 } from "../../store/hash.ts";
import { DepRecorder, ReportStore } from "../../store/report-cache.ts";
import { line, stdoutColour, warnStderr } from "../../ui/output.ts";

// What is imported above is what a repeated check with nothing changed needs: it finds what it printed before
// beside .blue/cache.db and prints it again. The checker, SQLite and the renderer are loaded only when there is
// work to do.

/** A kept check: its exit code, and what it printed, by view (format, and colour for text). The JSON view is the
 *  report itself, so any other view can be made from it. */
type Kept = { exit: number; outputs: { json: string } & Record<string, string> };

export const check = defineCommand({
  meta: {
    name: "check",
    description: "Check that contracts are valid, code matches what it exports, imports are current, changes are compatible, and (in the realm repo) each commit changed only what its author may (for CI)",
    examples: ["blue realm check", "blue realm check --contract s3-permissions --no-cache", "blue realm check --mode=compatibility --contract s3-permissions --from 1.4.0 --to 2.0.0", "blue realm check --format sarif > blue.sarif", "# In the realm repo's CI:", "blue realm check --mode=ownership"],
  },
  args: {
    mode: { type: "enum", options: [...MODES], description: "One mode (default: every mode that applies here)", valueHint: "mode" },
    contract: { type: "string", description: "Only this contract", valueHint: "name" },
    from: {
      type: "string",
      description: "compatibility: the older version (default: the one before --to); ownership: the commit after which to judge (default: the merge-base with main, or HEAD^ on main)",
      valueHint: "version|rev",
    },
    to: { type: "string", description: "compatibility: the newer version (default: the current one); ownership: the last commit to judge (default: HEAD)", valueHint: "version|rev" },
    transitive: { type: "boolean", description: "compatibility: check the current version against every earlier one in evolution" },
    json: { type: "boolean", description: "Print one JSON document" },
    format: { type: "enum", options: ["text", "json", "sarif"], description: "Output format (sarif: SARIF 2.1.0 for code scanning)", valueHint: "format" },
    "hook-timeout": { type: "string", description: "Seconds a validation hook or extract command may run", default: "60", valueHint: "seconds" },
    realm: { type: "string", description: "Check this realm (cloned on this machine) instead of the one this repo belongs to", valueHint: "name" },
    cache: { type: "boolean", default: true, description: "Reuse results from .blue/cache.db", negativeDescription: "Do all the work afresh instead of reusing results from .blue/cache.db" },
  },
  async run({ args }) {
    const seconds = Number(args["hook-timeout"]);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--hook-timeout must be a number of seconds, not '${args["hook-timeout"]}'`, "For example: --hook-timeout 120");
    const format = args.json ? "json" : (args.format ?? "text");
    const enabled = args.cache !== false;
    const root = findRepoRoot();
    const key = enabled ? reportKey(root, args) : "";
    const view = format === "text" && stdoutColour ? "text+colour" : format;
    const reports = (cachePath: string) => new ReportStore<Kept>(reportsDirFor(cachePath), warnStderr);
    // Where the cache is, when that is known without reading any file: the realm repo itself, or a member repo.
    const guess = enabled && root && !args.realm ? (existsSync(join(root, "realm.yaml")) ? cachePathForRealm(root) : existsSync(join(root, CONFIG_PATH)) ? cachePathForRepo(root) : undefined) : undefined;
    if (guess) {
      const exit = await replay(reports(guess), key, view);
      if (exit !== undefined) return exit;
    }

    const [{ resolveCheckTarget, runCheck }, { openCacheAt }] = await Promise.all([import("../../check/run.ts"), import("../../store/cache-db.ts")]);
    let target: CheckTarget | undefined;
    try {
      target = await resolveCheckTarget(args.realm);
    } catch (e) {
      throw await documented(e, format, undefined, args);
    }
    // Recorded before they are read: a file that changes while the check runs makes its report a miss next time.
    const deps = enabled ? new DepRecorder() : undefined;
    if (root) {
      deps?.path(root, CONFIG_PATH);
      deps?.path(root, "realm.yaml");
    }
    const cachePath = target.repoRoot ? cachePathForRepo(target.repoRoot) : cachePathForRealm(target.realmDir);
    if (enabled && cachePath !== guess) {
      const exit = await replay(reports(cachePath), key, view);
      if (exit !== undefined) return exit;
    }
    let cache: Cache | undefined;
    try {
      cache = openCacheAt(cachePath, { enabled, warn: warnStderr });
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
      }).catch(async (e) => {
        throw await documented(e, format, target, args);
      });
      const { formatReport } = await import("../../ui/check-report.ts");
      const output = formatReport(report, view);
      line(output);
      const exit = exitCode(report);
      if (deps && !deps.unrepeatable) reports(cachePath).put(key, deps.deps(), { exit, outputs: { json: view === "json" ? output : formatReport(report, "json"), [view]: output } });
      return exit;
    } finally {
      cache?.close();
    }
  },
});

/** A realm (or config) that does not load still gives `--json` and `--format sarif` their one document: the
 *  problems as findings at file:line:col. The error goes on to cli.ts, which prints its lines and exits 78. */
async function documented(e: unknown, format: string, target: CheckTarget | undefined, args: { realm?: string; mode?: string }): Promise<unknown> {
  if (!(e instanceof ConfigError) || format === "text") return e;
  const [{ reportFromProblems }, { formatReport }] = await Promise.all([import("../../check/findings.ts"), import("../../ui/check-report.ts")]);
  const realm = target?.realm ?? args.realm ?? "";
  line(formatReport(reportFromProblems(realm, target?.repo ?? null, (args.mode as Mode | undefined) ?? "contract", e.problems, e.message), format));
  return e;
}

/** Print what a kept check printed in this view (made from its report the first time this view is asked for);
 *  undefined when nothing usable is kept. */
async function replay(reports: ReportStore<Kept>, key: string, view: string): Promise<number | undefined> {
  const kept = reports.get(key);
  if (typeof kept?.value.exit !== "number" || typeof kept.value.outputs?.json !== "string") return undefined;
  let output = kept.value.outputs[view];
  if (output === undefined) {
    const { formatReport } = await import("../../ui/check-report.ts");
    output = formatReport(JSON.parse(kept.value.outputs.json) as CheckReport, view);
    reports.put(key, kept.deps, { ...kept.value, outputs: { ...kept.value.outputs, [view]: output } });
  }
  line(output);
  return kept.value.exit;
}

function exitCode(report: CheckReport): number {
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
