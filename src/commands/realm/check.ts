import { defineCommand } from "citty";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { basename, join } from "node:path";
import { ExitCode, UsageError } from "../../errors.ts";
import { MODES, runCheck, type CheckTarget, type Mode } from "../../realm/check-run.ts";
import { ensureRealmClone } from "../../realm-clone.ts";
import { renderText, toSarif } from "../../ui/check-report.ts";
import { json, warnStderr } from "../../ui/output.ts";
import { cachePathForRealm, cachePathForRepo, openCacheAt } from "../../store/cache-db.ts";
import { findRepoRoot, readMember, realmLocation } from "../../workspace.ts";

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
    const target = await resolveTarget(args.realm);
    const cachePath = target.repoRoot ? cachePathForRepo(target.repoRoot) : cachePathForRealm(target.realmDir);
    const cache = openCacheAt(cachePath, { enabled: args.cache !== false, warn: warnStderr });
    const report = await runCheck(target, {
      modes: args.mode ? [args.mode as Mode] : undefined,
      contract: args.contract,
      from: args.from,
      to: args.to,
      transitive: args.transitive,
      hookTimeoutMs: seconds * 1000,
      ci: Boolean(process.env.CI),
      cache,
    }).finally(() => cache.close());
    const format = args.json ? "json" : (args.format ?? "text");
    if (format === "json") json(report);
    else if (format === "sarif") json(toSarif(report));
    else renderText(report);
    return report.summary.errors ? ExitCode.failed : report.summary.warnings ? ExitCode.warnings : ExitCode.ok;
  },
});

/** In the realm repo itself (its top level has realm.yaml): the realm. In a member repo: its realm, as that repo. */
async function resolveTarget(realmFlag: string | undefined): Promise<CheckTarget> {
  const root = findRepoRoot();
  if (!realmFlag && root && existsSync(join(root, "realm.yaml"))) {
    const name = (parse(readFileSync(join(root, "realm.yaml"), "utf8")) as { name?: unknown } | null)?.name;
    return { realmDir: root, realm: typeof name === "string" ? name : basename(root) };
  }
  const member = root ? readMember(root) : undefined;
  if (realmFlag && member?.config.realm.name !== realmFlag) {
    const loc = realmLocation(realmFlag);
    if (!loc.cloned) throw new UsageError(`unknown realm '${realmFlag}': it is not cloned on this machine`);
    return { realmDir: loc.clone, realm: realmFlag };
  }
  if (!member) throw new UsageError("not in a member repo or a realm repo", "Run it in a repo that has joined a realm, in the realm repo itself, or pass --realm.");
  return { realmDir: await ensureRealmClone(member), realm: member.config.realm.name, repoRoot: member.root, repo: member.config.repo };
}
