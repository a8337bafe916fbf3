// What `blue realm admin protect` plans, as pure functions over the RFC's example realm: CODEOWNERS, the ownership
// workflow, and the branch rules each forge gets.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parse } from "yaml";
import type { BranchProtection } from "../../src/forge/forge.ts";
import { loadRealm } from "../../src/realm/load.ts";
import {
  codeowners,
  defaultInstallCommand,
  describeRules,
  forgeUsers,
  planProtect,
  requiredCheck,
  rulesHeld,
  rulesToApply,
  workflow,
  workflowPath,
} from "../../src/protect/plan.ts";

const good = () => loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good")).model;

/** The example realm with forge users among its approvers and maintainers. */
function named() {
  const model = good();
  model.realm!.governance.approvers = ["eric-g", "ops@example.com"];
  model.repos.get("aperture")!.maintainers = ["eric-g", "aperture-bot"];
  model.repos.get("fungal-image-analysis")!.maintainers = ["fungal-dev", "fungal@example.com"];
  return model;
}

describe("forgeUsers", () => {
  test("an entry without '@' is a forge user; emails and names a forge cannot hold are left out", () => {
    expect(forgeUsers(["alice", "bob@example.com", " carol ", "Alice", "Eric Smith", "@octocat", "a\nb", "-dash"])).toEqual({
      users: ["alice", "carol"],
      leftOut: ["bob@example.com", "Eric Smith", "@octocat", "a\nb", "-dash"],
    });
  });
});

describe("codeowners", () => {
  test("a two-repo realm: approvers first and last, each repo's files and contracts to its maintainers", () => {
    const owners = codeowners(named());
    expect(owners.text).toBe(
      [
        "# Written by `blue realm admin protect` from realm.yaml (governance.approvers) and repos/*.yaml (maintainers):",
        "# run it again after members or maintainers change; edits here are overwritten. The last matching line wins.",
        "* @eric-g",
        "/repos/aperture.yaml @eric-g @aperture-bot",
        "/domains/*/bindings/aperture.yaml @eric-g @aperture-bot",
        "/repos/fungal-image-analysis.yaml @fungal-dev",
        "/domains/*/bindings/fungal-image-analysis.yaml @fungal-dev",
        "/domains/s3-access/contracts/s3-permissions.yaml @eric-g @aperture-bot",
        "/realm.yaml @eric-g",
        "/.github/ @eric-g",
        "",
      ].join("\n"),
    );
    expect(owners.paths).toBe(8);
    expect(owners.leftOut).toEqual(["ops@example.com", "fungal@example.com"]);
  });

  test("a repo whose maintainers are all emails gets no line: its files fall to the approvers' '*'", () => {
    const model = named();
    model.repos.get("fungal-image-analysis")!.maintainers = ["fungal@example.com"];
    const owners = codeowners(model);
    expect(owners.text).not.toContain("fungal-image-analysis");
    expect(owners.text).toContain("\n* @eric-g\n");
    expect(owners.paths).toBe(6);
  });

  test("a realm named only by emails names nobody, and says whom it left out", () => {
    const owners = codeowners(good());
    expect(owners.paths).toBe(0);
    expect(owners.text.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([]);
    expect(owners.leftOut).toEqual(["eric@example.com", "fungal@example.com"]);
  });
});

describe("the ownership workflow", () => {
  test("runs on pull requests to main and pushes to it, and names its job blue-ownership", () => {
    for (const kind of ["github", "forgejo"] as const) {
      const text = workflow(kind, { branch: "main", install: defaultInstallCommand("0.1.0") });
      const wf = parse(text);
      expect(wf.name).toBe("blue-ownership");
      expect(wf.on).toEqual({ pull_request: { branches: ["main"] }, push: { branches: ["main"] } });
      expect(wf.permissions).toEqual({ contents: "read" });
      expect(Object.keys(wf.jobs)).toEqual(["blue-ownership"]);
      const job = wf.jobs["blue-ownership"];
      expect(job.name).toBe("blue-ownership");
      expect(job["runs-on"]).toBe(kind === "github" ? "ubuntu-latest" : "docker");
      expect(job.steps[0]).toMatchObject({ uses: "actions/checkout@v4", with: { "fetch-depth": 0, "persist-credentials": false } });
      expect(job.steps[1]).toEqual({ name: "Install blue", run: defaultInstallCommand("0.1.0") });
      expect(job.steps[2].env).toEqual({ FROM: "${{ github.event.pull_request.base.sha || github.event.before }}" });
      expect(job.steps[2].run).toBe('blue realm check --mode=ownership --from "$FROM" --to HEAD');
      expect(text).toStartWith("# Written by `blue realm admin protect`.");
    }
    expect(workflowPath("github")).toBe(".github/workflows/blue-ownership.yaml");
    expect(workflowPath("forgejo")).toBe(".forgejo/workflows/blue-ownership.yaml");
  });

  test("the default install step pins this blue version and its release's install.sh", () => {
    const cmd = defaultInstallCommand("1.2.3");
    expect(cmd).toContain("https://raw.githubusercontent.com/blue-realm/blue/v1.2.3/install.sh");
    expect(cmd).toContain("--version 1.2.3");
    expect(cmd).not.toContain("| sh");
  });
});

describe("planProtect", () => {
  test("GitHub: the workflow and CODEOWNERS, code-owner review and the check by its job's name", () => {
    const plan = planProtect({ kind: "github", model: named(), branch: "main", version: "0.1.0" });
    expect(plan.files.map((f) => [f.path, f.paths])).toEqual([
      [".github/workflows/blue-ownership.yaml", undefined],
      [".github/CODEOWNERS", 8],
    ]);
    expect(plan.rules).toEqual({ checks: ["blue-ownership"], approvals: 1, code_owners: true, approvers: [] });
    expect(plan.install).toEqual({ command: defaultInstallCommand("0.1.0"), source: "default" });
    expect(plan.warnings).toEqual([
      "CODEOWNERS leaves out ops@example.com, fungal@example.com: not a GitHub user name (list users without '@' in repos/*.yaml maintainers or realm.yaml governance.approvers)",
    ]);
  });

  test("Forgejo: the workflow alone, the approvers' user names as the approvals whitelist, the check as Forgejo names it", () => {
    const plan = planProtect({ kind: "forgejo", model: named(), branch: "main", version: "0.1.0" });
    expect(plan.files.map((f) => f.path)).toEqual([".forgejo/workflows/blue-ownership.yaml"]);
    expect(plan.rules).toEqual({ checks: ["blue-ownership / blue-ownership (*)"], approvals: 1, code_owners: false, approvers: ["eric-g"] });
    expect(requiredCheck("forgejo")).toBe("blue-ownership / blue-ownership (*)");
    expect(plan.warnings).toEqual(["the approvals whitelist leaves out ops@example.com: not a Forgejo user name (list users without '@' in realm.yaml governance.approvers)"]);
    const emailsOnly = planProtect({ kind: "forgejo", model: good(), branch: "main", version: "0.1.0" });
    expect(emailsOnly.rules.approvers).toEqual([]);
    expect(emailsOnly.warnings.at(-1)).toBe("no realm approver has a Forgejo user name: any approval by someone with write access counts");
  });

  test("planning over its own output changes nothing; an edited install step and runner are kept; --install-command replaces the step", () => {
    const first = planProtect({ kind: "github", model: named(), branch: "main", version: "0.1.0" });
    const again = planProtect({ kind: "github", model: named(), branch: "main", version: "0.2.0", existingWorkflow: first.files[0]!.content });
    expect(again.files).toEqual(first.files);
    expect(again.install.source).toBe("kept");

    const edited = first.files[0]!.content.replace(/run: \|\n(\s+curl[^\n]*\n)(\s+[^\n]*\n)+?(\s+echo[^\n]*\n)/, "run: npm install -g blue-cli@0.1.0\n").replace("ubuntu-latest", "self-hosted");
    expect(edited).toContain("npm install -g blue-cli@0.1.0");
    const kept = planProtect({ kind: "github", model: named(), branch: "main", version: "0.1.0", existingWorkflow: edited });
    const job = parse(kept.files[0]!.content).jobs["blue-ownership"];
    expect(job.steps[1].run).toBe("npm install -g blue-cli@0.1.0");
    expect(job["runs-on"]).toBe("self-hosted");
    expect(kept.files[0]!.content).toBe(edited);

    const flagged = planProtect({ kind: "github", model: named(), branch: "main", version: "0.1.0", existingWorkflow: edited, installCommand: "nix profile install blue" });
    expect(parse(flagged.files[0]!.content).jobs["blue-ownership"].steps[1].run).toBe("nix profile install blue");
    expect(flagged.install.source).toBe("flag");
  });
});

describe("branch rules", () => {
  const wanted = { checks: ["blue-ownership"], approvals: 1, code_owners: true, approvers: [] };
  const held: BranchProtection = { ...wanted, direct_push: false, admins: true, dismiss_stale: true, block_on_rejected: true };

  test("rulesHeld: only when every rule and every setting blue asks for is there", () => {
    expect(rulesHeld(null, wanted)).toBe(false);
    expect(rulesHeld(held, wanted)).toBe(true);
    expect(rulesHeld({ ...held, approvals: 2, checks: ["ci", "blue-ownership"] }, wanted)).toBe(true);
    expect(rulesHeld({ ...held, approvals: 0 }, wanted)).toBe(false);
    expect(rulesHeld({ ...held, checks: ["ci"] }, wanted)).toBe(false);
    expect(rulesHeld({ ...held, code_owners: false }, wanted)).toBe(false);
    expect(rulesHeld({ ...held, direct_push: true }, wanted)).toBe(false);
    expect(rulesHeld({ ...held, admins: false }, wanted)).toBe(false);
    expect(rulesHeld({ ...held, approvers: ["mallory"] }, wanted)).toBe(false);
  });

  test("rulesToApply keeps stricter checks and approval counts found there; the realm's approvers replace the forge's", () => {
    expect(rulesToApply(null, wanted)).toEqual(wanted);
    expect(rulesToApply({ ...held, checks: ["ci"], approvals: 3, approvers: ["mallory"] }, { ...wanted, approvers: ["eric-g"] })).toEqual({
      checks: ["blue-ownership", "ci"],
      approvals: 3,
      code_owners: true,
      approvers: ["eric-g"],
    });
  });

  test("describeRules says what each forge will require", () => {
    expect(describeRules("github", wanted)).toBe("pull requests with code-owner review, required check blue-ownership");
    expect(describeRules("github", { ...wanted, approvals: 2, checks: ["blue-ownership", "ci"] })).toBe("pull requests with code-owner review and 2 approvals, required checks blue-ownership, ci");
    expect(describeRules("forgejo", { checks: ["blue-ownership / blue-ownership (*)"], approvals: 1, code_owners: false, approvers: ["eric-g"] })).toBe(
      "pull requests with 1 approval by a realm approver (eric-g), required check blue-ownership / blue-ownership (*), no direct pushes",
    );
    expect(describeRules("forgejo", { checks: ["x"], approvals: 1, code_owners: false, approvers: [] })).toBe("pull requests with 1 approval by anyone with write access, required check x, no direct pushes");
  });
});
