// `blue realm admin protect` (and the last step of `init --forgejo/--github`): put the ownership workflow (and on
// GitHub CODEOWNERS) into the realm, then have the forge require them on main. Files first: once main is protected
// nobody pushes to it, blue included, so later changes to these files go through a pull request.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BlueError, ForgeError, formatProblem, Refused } from "../errors.ts";
import { resolveToken } from "../forge/credentials.ts";
import { createForge } from "../forge/client.ts";
import { BranchRules, detectForge, type Forge, type ForgeTarget } from "../forge/forge.ts";
import { changeRealm, git, headOf, isMerged, REALM_BRANCH, remoteUrl } from "../git/realm-repo.ts";
import { loadValidRealm } from "../realm/load.ts";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { raiseMinBlueVersion } from "../realm/write.ts";
import { commitSyncBranch, fetchRealm } from "../sync/branches.ts";
import { requirePinnedHost } from "../trust/forge-host.ts";
import { realmTrust } from "../trust/store.ts";
import { planProtect, rulesHeld, rulesToApply, workflowPath, type PlannedFile, type ProtectedForge, type ProtectPlan } from "./plan.ts";

/** The branch protect proposes its files on when main no longer takes pushes. */
export const PROTECT_BRANCH = "blue/protect";

export const ProtectReport = z.object({
  realm: z.string(),
  forge: z.enum(["forgejo", "github"]),
  /** owner/name of the realm repo on the forge. */
  repo: z.string(),
  branch: z.string(),
  dry_run: z.boolean(),
  files: z.array(z.object({ path: z.string(), changed: z.boolean(), paths: z.number().int().optional() })),
  /** How changed files reach main: pushed to it, or proposed in a pull request because main takes no pushes. */
  delivery: z.enum(["push", "pull_request", "none"]),
  pushed_to: z.string().nullable(),
  pull_request: z.object({ number: z.number(), url: z.string(), state: z.enum(["opened", "updated", "unchanged"]) }).nullable(),
  protection: z.object({ action: z.enum(["create", "update", "none"]), rules: BranchRules }),
  install: z.object({ command: z.string(), source: z.enum(["flag", "kept", "default"]) }),
  warnings: z.array(z.string()),
});
export type ProtectReport = z.infer<typeof ProtectReport>;

type Env = Record<string, string | undefined>;

export type ProtectOptions = {
  realm: string;
  clone: string;
  /** This blue's version: the default install step installs it. */
  version: string;
  installCommand?: string;
  dryRun: boolean;
  env: Env;
  blueHome: string;
};

export async function protectRealm(o: ProtectOptions): Promise<ProtectReport> {
  await fetchRealm(o.clone).catch((e) => {
    throw e instanceof BlueError ? Object.assign(e, { hint: "Check the realm remote and your git credentials, then run the command again." }) : e;
  });
  const url = (await remoteUrl(o.clone)) ?? o.clone;
  const first = loadValidRealm(o.clone, o.realm);
  const target = detectForge(url, first.model.realm?.forge, o.env);
  if (target.kind === "none") {
    throw new Refused(
      `realm '${o.realm}' is on plain git (${url}): only a forge can refuse a change, so there is nothing to protect`,
      "Move it to a forge first ('blue realm admin remote set --forgejo URL' or '--github OWNER'); until then, 'blue realm check' reports what it finds.",
    );
  }
  const kind: ProtectedForge = target.kind;
  // The token goes only where this machine pinned for the realm (docs/security.md), checked before it is looked up.
  requirePinnedHost(o.realm, target, url, o.env, realmTrust(o.blueHome, o.realm).forge_hosts);
  const forge = createForge(target, await resolveToken(target, { env: o.env, blueHome: o.blueHome }));

  const planNow = (): ProtectPlan => {
    const { model } = loadValidRealm(o.clone, o.realm);
    return planProtect({ kind, model, branch: REALM_BRANCH, version: o.version, installCommand: o.installCommand, existingWorkflow: read(o.clone, workflowPath(kind)) });
  };
  let plan = planNow();
  let changed = plan.files.filter((f) => read(o.clone, f.path) !== f.content);
  const current = await guarded(target, () => forge.getBranchProtection(REALM_BRANCH));
  const delivery = changed.length === 0 ? "none" : !current || current.direct_push ? "push" : "pull_request";

  let pushedTo: string | null = null;
  let pullRequest: ProtectReport["pull_request"] = null;
  if (!o.dryRun && delivery === "push") {
    // Planned again after changeRealm's pull, so what lands is written from the realm as it is then.
    ({ plan, changed } = await changeRealm(o.clone, {
      apply: () => {
        const p = planNow();
        const c = p.files.filter((f) => read(o.clone, f.path) !== f.content);
        for (const f of c) writeFileAtomic(join(o.clone, f.path), f.content);
        // The workflow runs `check --mode=ownership`: a blue without it must refuse the realm, not half-read it.
        if (c.length) raiseMinBlueVersion(o.clone, ["ownership_check"]);
        return { plan: p, changed: c };
      },
      message: (r) => `blue: protect main (${r.changed.map((f) => f.path).join(", ")})`,
    }));
    pushedTo = url;
  } else if (!o.dryRun && delivery === "pull_request") {
    pullRequest = await propose(forge, o.clone, changed);
  }

  const held = rulesHeld(current, plan.rules);
  const rules = rulesToApply(current, plan.rules);
  if (!held && !o.dryRun) await guarded(target, () => forge.protectBranch(REALM_BRANCH, rules));

  return {
    realm: o.realm,
    forge: kind,
    repo: `${target.owner}/${target.repo}`,
    branch: REALM_BRANCH,
    dry_run: o.dryRun,
    files: plan.files.map((f) => ({ path: f.path, changed: changed.some((c) => c.path === f.path), ...(f.paths !== undefined ? { paths: f.paths } : {}) })),
    delivery,
    pushed_to: pushedTo,
    pull_request: pullRequest,
    protection: { action: held ? "none" : current ? "update" : "create", rules: held ? plan.rules : rules },
    install: plan.install,
    warnings: [...first.warnings.map((p) => `${formatProblem(p)}`), ...plan.warnings],
  };
}

function read(clone: string, rel: string): string | undefined {
  const path = join(clone, rel);
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** Reading or setting protection takes admin rights on the repo: say so rather than only "rejected the token". */
async function guarded<T>(target: ForgeTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof ForgeError && (e.status === 403 || e.status === 404)) {
      throw new ForgeError(
        `could not read or set the protection of ${REALM_BRANCH} in ${target.owner}/${target.repo}: ${e.message}`,
        "That takes a token with admin rights on the realm repo (and on GitHub, a private repo on a free plan has no protected branches). Run 'blue realm admin protect' again once that is fixed.",
        e.status,
      );
    }
    throw e;
  }
}

/** main takes no pushes: the changed files go on PROTECT_BRANCH (rebuilt from main) and into a pull request. */
async function propose(forge: Forge, clone: string, changed: PlannedFile[]): Promise<NonNullable<ProtectReport["pull_request"]>> {
  const ref = `origin/${PROTECT_BRANCH}`;
  const existing = await headOf(clone, ref);
  const main = await headOf(clone);
  const holds = async (f: PlannedFile) => (await git(clone).raw(["show", `${ref}:${f.path}`]).catch(() => undefined)) === f.content;
  const upToDate = Boolean(existing && main && (await isMerged(clone, main, ref)) && (await Promise.all(changed.map(holds))).every(Boolean));
  const paths = changed.map((f) => f.path);
  if (!upToDate) {
    await commitSyncBranch(clone, {
      branch: PROTECT_BRANCH,
      start: `origin/${REALM_BRANCH}`,
      message: `blue: protect main (${paths.join(", ")})`,
      edit: (dir) => {
        for (const f of changed) writeFileAtomic(join(dir, f.path), f.content);
      },
      ...(existing ? { replace: existing } : {}),
    });
  }
  const title = `blue: protect ${REALM_BRANCH} (${paths.join(", ")})`;
  const body = [
    "Written by `blue realm admin protect`: the ownership check's workflow and, on GitHub, CODEOWNERS from the realm's maintainers and approvers.",
    `${REALM_BRANCH} takes no direct pushes, so the change comes as this pull request.`,
    "",
    ...paths.map((p) => `- \`${p}\``),
  ].join("\n");
  const open = await forge.findOpenPullRequest(PROTECT_BRANCH);
  if (open && upToDate) return { number: open.number, url: open.url, state: "unchanged" };
  const pr = open ? await forge.updatePullRequest(open.number, { title, body }) : await forge.openPullRequest({ title, body, head: PROTECT_BRANCH, base: REALM_BRANCH });
  return { number: pr.number, url: pr.url, state: open ? "updated" : "opened" };
}

