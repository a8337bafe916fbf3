// `blue realm admin protect`, the pure part: the files the realm repo gets (the CI workflow that runs the
// ownership check, and on GitHub a CODEOWNERS file from the realm's maintainers and approvers) and the rules its
// main must require. The effects (git, the forge) are in run.ts.
import { Document, parse } from "yaml";
import type { BranchProtection, BranchRules } from "../forge/forge.ts";
import type { RealmModel } from "../realm/load.ts";

export type ProtectedForge = "forgejo" | "github";

/** The workflow's and its job's name. Branch protection requires the job by name: it never changes. */
export const CHECK = "blue-ownership";
export const CODEOWNERS_PATH = ".github/CODEOWNERS";
export const INSTALL_STEP = "Install blue";

/** Where each forge's Actions read workflows from. */
export function workflowPath(kind: ProtectedForge): string {
  return `${kind === "github" ? ".github" : ".forgejo"}/workflows/${CHECK}.yaml`;
}

/** The name the forge reports the job under. GitHub Actions names a check run after its job. Forgejo Actions
 *  names a commit status "<workflow> / <job> (<event>)", and its branch protection takes glob patterns. */
export function requiredCheck(kind: ProtectedForge): string {
  return kind === "github" ? CHECK : `${CHECK} / ${CHECK} (*)`;
}

/** The default install step: this same blue version, by the install.sh of its release tag, which verifies the
 *  binary's sha256. It is written into the workflow for people to read and edit, never run behind their back. */
export function defaultInstallCommand(version: string): string {
  return [
    `curl -fsSL -o /tmp/blue-install.sh https://raw.githubusercontent.com/blue-realm/blue/v${version}/install.sh`,
    `BLUE_INSTALL_DIR="$HOME/.local/bin" bash /tmp/blue-install.sh --version ${version}`,
    `echo "$HOME/.local/bin" >> "$GITHUB_PATH"`,
    "",
  ].join("\n");
}

const DEFAULT_RUNNER: Record<ProtectedForge, string> = { github: "ubuntu-latest", forgejo: "docker" };

// Forgejo and GitHub user names: letters, digits, '-', '_', '.'; nothing a CODEOWNERS line could be split on.
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Maintainers and approvers are emails or forge user names: an entry without '@' names a forge user (as sync's
 *  review requests read it). The rest cannot be named to a forge and are left out. */
export function forgeUsers(entries: readonly string[]): { users: string[]; leftOut: string[] } {
  const users: string[] = [];
  const leftOut: string[] = [];
  for (const e of entries.map((x) => x.trim())) {
    if (!e.includes("@") && USER_NAME.test(e)) {
      if (!users.some((u) => u.toLowerCase() === e.toLowerCase())) users.push(e);
    } else if (!leftOut.includes(e)) leftOut.push(e);
  }
  return { users, leftOut };
}

export type Codeowners = { text: string; paths: number; leftOut: string[] };

/**
 * GitHub's CODEOWNERS for a realm. The last matching line wins, so the realm approvers own everything first
 * (`*`: a file nobody else owns, such as a domain.yaml, needs them), then each repo's maintainers own its repo file
 * and its bindings in every domain, each contract's owner repo's maintainers own the contract, and last the
 * approvers own realm.yaml and .github/ (this file and the workflow), which nobody else may take over. A line
 * whose owners have no forge user name is left out, so its files fall to the approvers.
 */
export function codeowners(model: RealmModel): Codeowners {
  const leftOut: string[] = [];
  const named = (entries: readonly string[]) => {
    const f = forgeUsers(entries);
    for (const l of f.leftOut) if (!leftOut.includes(l)) leftOut.push(l);
    return f.users.map((u) => `@${u}`);
  };
  const approvers = named(model.realm?.governance.approvers ?? []);
  const maintainers = new Map([...model.repos].map(([name, r]) => [name, named(r.maintainers)]));
  const lines: [string, string[]][] = [["*", approvers]];
  for (const repo of [...model.repos.keys()].sort()) {
    lines.push([`/repos/${repo}.yaml`, maintainers.get(repo)!], [`/domains/*/bindings/${repo}.yaml`, maintainers.get(repo)!]);
  }
  for (const d of [...model.domains.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const c of [...d.contracts.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push([`/domains/${d.name}/contracts/${c.name}.yaml`, maintainers.get(c.owner) ?? []]);
    }
  }
  lines.push(["/realm.yaml", approvers], ["/.github/", approvers]);
  const kept = lines.filter(([, owners]) => owners.length > 0);
  const text = [
    "# Written by `blue realm admin protect` from realm.yaml (governance.approvers) and repos/*.yaml (maintainers):",
    "# run it again after members or maintainers change; edits here are overwritten. The last matching line wins.",
    ...kept.map(([path, owners]) => `${path} ${owners.join(" ")}`),
    "",
  ].join("\n");
  return { text, paths: kept.length, leftOut };
}

/** What protect keeps from a workflow already in the realm: the install step and the runner label are the user's. */
export function keptFromWorkflow(text: string | undefined): { install?: string; runsOn?: string | string[] } {
  if (text === undefined) return {};
  try {
    const job = (parse(text) as { jobs?: Record<string, { "runs-on"?: unknown; steps?: unknown }> } | null)?.jobs?.[CHECK];
    const steps = Array.isArray(job?.steps) ? (job.steps as { name?: unknown; run?: unknown }[]) : [];
    const install = steps.find((s) => s?.name === INSTALL_STEP)?.run;
    const runsOn = job?.["runs-on"];
    const label = typeof runsOn === "string" || (Array.isArray(runsOn) && runsOn.every((l) => typeof l === "string")) ? (runsOn as string | string[]) : undefined;
    return { ...(typeof install === "string" ? { install } : {}), ...(label ? { runsOn: label } : {}) };
  } catch {
    return {};
  }
}

/** The workflow: on every pull request to main and every push to it, check out the realm with its whole history,
 *  install blue, and run the ownership check over the commits the event brings. */
export function workflow(kind: ProtectedForge, o: { branch: string; install: string; runsOn?: string | string[] }): string {
  const doc = new Document({
    name: CHECK,
    on: { pull_request: { branches: [o.branch] }, push: { branches: [o.branch] } },
    permissions: { contents: "read" },
    jobs: {
      [CHECK]: {
        name: CHECK,
        "runs-on": o.runsOn ?? DEFAULT_RUNNER[kind],
        steps: [
          {
            name: "Check out the realm with its whole history",
            uses: "actions/checkout@v4",
            // A pull request is checked at its head, not at the merge commit the forge makes up for it.
            with: { "fetch-depth": 0, ref: "${{ github.event.pull_request.head.sha || github.sha }}", "persist-credentials": false },
          },
          { name: INSTALL_STEP, run: o.install },
          {
            name: "Check that each commit changes only files its author may change",
            // Through the environment, never pasted into the script.
            env: { FROM: "${{ github.event.pull_request.base.sha || github.event.before }}" },
            run: 'blue realm check --mode=ownership --from "$FROM" --to HEAD',
          },
        ],
      },
    },
  });
  doc.commentBefore = [
    " Written by `blue realm admin protect`. Protection of the realm's main requires this job to pass by its name",
    ` (required check: ${requiredCheck(kind)}): keep the workflow's and the job's names. The "${INSTALL_STEP}"`,
    " step and runs-on are yours to edit: protect keeps them when it writes this file again (--install-command",
    " replaces the step).",
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}

export type PlannedFile = { path: string; content: string; paths?: number };

export type ProtectPlan = {
  files: PlannedFile[];
  rules: BranchRules;
  install: { command: string; source: "flag" | "kept" | "default" };
  /** One line each: who could not be named to the forge, what then holds instead. */
  warnings: string[];
};

export type ProtectInput = {
  kind: ProtectedForge;
  model: RealmModel;
  branch: string;
  /** This blue's version: the default install step installs it. */
  version: string;
  /** --install-command */
  installCommand?: string;
  /** The workflow file as the realm has it now, if it does. */
  existingWorkflow?: string;
};

export function planProtect(i: ProtectInput): ProtectPlan {
  const kept = keptFromWorkflow(i.existingWorkflow);
  const install = i.installCommand
    ? { command: i.installCommand, source: "flag" as const }
    : kept.install
      ? { command: kept.install, source: "kept" as const }
      : { command: defaultInstallCommand(i.version), source: "default" as const };
  const files: PlannedFile[] = [{ path: workflowPath(i.kind), content: workflow(i.kind, { branch: i.branch, install: install.command, runsOn: kept.runsOn }) }];
  const warnings: string[] = [];
  const approvers = forgeUsers(i.model.realm?.governance.approvers ?? []);

  if (i.kind === "github") {
    const owners = codeowners(i.model);
    files.push({ path: CODEOWNERS_PATH, content: owners.text, paths: owners.paths });
    if (owners.leftOut.length) {
      warnings.push(`CODEOWNERS leaves out ${owners.leftOut.join(", ")}: not a GitHub user name (list users without '@' in repos/*.yaml maintainers or realm.yaml governance.approvers)`);
    }
    if (approvers.users.length === 0) warnings.push("no realm approver has a GitHub user name: files only the approvers own have no code owner, so any one approval merges them");
    return { files, rules: { checks: [requiredCheck("github")], approvals: 1, code_owners: true, approvers: [] }, install, warnings };
  }
  if (approvers.leftOut.length) {
    warnings.push(`the approvals whitelist leaves out ${approvers.leftOut.join(", ")}: not a Forgejo user name (list users without '@' in realm.yaml governance.approvers)`);
  }
  if (approvers.users.length === 0) warnings.push("no realm approver has a Forgejo user name: any approval by someone with write access counts");
  return { files, rules: { checks: [requiredCheck("forgejo")], approvals: 1, code_owners: false, approvers: approvers.users }, install, warnings };
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = new Set(a.map((s) => s.toLowerCase()));
  const y = new Set(b.map((s) => s.toLowerCase()));
  return x.size === y.size && [...x].every((s) => y.has(s));
};

/** Whether a branch's protection already requires all that `wanted` asks, and the settings blue always sets. */
export function rulesHeld(current: BranchProtection | null, wanted: BranchRules): boolean {
  if (!current) return false;
  return (
    wanted.checks.every((c) => current.checks.includes(c)) &&
    current.approvals >= wanted.approvals &&
    (!wanted.code_owners || current.code_owners) &&
    sameSet(current.approvers, wanted.approvers) &&
    !current.direct_push &&
    current.admins &&
    current.dismiss_stale &&
    current.block_on_rejected
  );
}

/** The rules to set: `wanted`, keeping what is stricter in the protection there (more checks, more approvals).
 *  Whose approval counts is the realm's to say: its approvers replace the forge's list. */
export function rulesToApply(current: BranchProtection | null, wanted: BranchRules): BranchRules {
  if (!current) return wanted;
  return {
    checks: [...new Set([...wanted.checks, ...current.checks])],
    approvals: Math.min(6, Math.max(wanted.approvals, current.approvals)),
    code_owners: wanted.code_owners || current.code_owners,
    approvers: wanted.approvers,
  };
}

/** "pull requests with code-owner review, required check blue-ownership" */
export function describeRules(kind: ProtectedForge, r: BranchRules): string {
  const checks = `required check${r.checks.length === 1 ? "" : "s"} ${r.checks.join(", ")}`;
  const approvals = `${r.approvals} approval${r.approvals === 1 ? "" : "s"}`;
  if (kind === "github") {
    const reviews = r.code_owners ? `code-owner review${r.approvals > 1 ? ` and ${approvals}` : ""}` : approvals;
    return `pull requests with ${reviews}, ${checks}`;
  }
  const by = r.approvers.length ? `a realm approver (${r.approvers.join(", ")})` : "anyone with write access";
  return `pull requests with ${approvals} by ${by}, ${checks}, no direct pushes`;
}
