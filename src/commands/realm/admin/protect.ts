import { defineCommand } from "../../../cli-args.ts";
import { maxWaitArg, useMaxWait } from "../../../forge/rate-limit.ts";
import pkg from "../../../../package.json" with { type: "json" };
import { UsageError } from "../../../errors.ts";
import { describeRules, INSTALL_STEP } from "../../../protect/plan.ts";
import { protectRealm, PROTECT_BRANCH, type ProtectReport } from "../../../protect/run.ts";
import { realmLocation, resolveRealmName } from "../../../realm/workspace.ts";
import { blueHome, unknownRealm } from "../../../system/home.ts";
import { json, line, ok, warnStderr } from "../../../ui/output.ts";

export const protect = defineCommand({
  meta: {
    name: "protect",
    description: "Have the realm's forge enforce ownership: a CI check on every PR, CODEOWNERS (GitHub), and main protected",
    examples: ["blue realm admin protect --dry-run", "blue realm admin protect", "blue realm admin protect --install-command 'curl -fsSL https://example.com/blue/install.sh | sh'"],
  },
  args: {
    realm: { type: "string", description: "Realm to protect (default: the realm of the repo you are in)", valueHint: "name" },
    "install-command": {
      type: "string",
      description: `Shell lines for the workflow's "${INSTALL_STEP}" step (default: the step as the realm has it, else this blue version by its release's install.sh)`,
      valueHint: "cmd",
    },
    "dry-run": { type: "boolean", description: "Print the plan and change nothing" },
    json: { type: "boolean", description: "Print one JSON document" },
    "max-wait": maxWaitArg,
  },
  async run({ args }) {
    useMaxWait(args["max-wait"]);
    const install = args["install-command"];
    if (install !== undefined && install.trim() === "") throw new UsageError("--install-command needs the shell lines that install blue", `For example: --install-command 'npm install -g blue-cli'`);
    const name = resolveRealmName(args.realm);
    const loc = realmLocation(name);
    if (!loc.cloned) throw unknownRealm(name);
    const report = await protectRealm({
      realm: name,
      clone: loc.clone,
      version: pkg.version,
      ...(install !== undefined ? { installCommand: install } : {}),
      dryRun: Boolean(args["dry-run"]),
      env: process.env,
      blueHome: blueHome(),
    });
    if (args.json) return json(report);
    renderProtect(report);
  },
});

const FORGE_LABEL = { github: "GitHub", forgejo: "Forgejo" } as const;

/** One line per thing done (or, with --dry-run, to be done); warnings on stderr. */
export function renderProtect(r: ProtectReport): void {
  for (const w of r.warnings) warnStderr(w);
  const dry = r.dry_run;
  const onBranch = r.delivery === "pull_request" ? ` on branch ${PROTECT_BRANCH}` : "";
  for (const f of r.files) {
    const count = f.paths !== undefined ? ` (${f.paths} path${f.paths === 1 ? "" : "s"})` : "";
    if (!f.changed) ok(`${f.path} is up to date${count}`);
    else if (dry) line(`Would write ${f.path}${count}${onBranch}`);
    else ok(`Wrote ${f.path}${count}${onBranch}`);
    if (f.changed && f.path.includes("/workflows/")) {
      const how = r.install.source === "default" ? "this blue version by its release's install.sh" : r.install.source === "flag" ? "--install-command" : "the step as the realm had it";
      line(`  its "${INSTALL_STEP}" step installs blue with ${how}: edit the step, or pass --install-command`);
    }
  }
  if (r.delivery === "pull_request") {
    const why = `${r.branch} takes no direct pushes, so the change goes through review`;
    if (dry) line(`Would propose them in a pull request from ${PROTECT_BRANCH}: ${why}`);
    else if (r.pull_request) ok(`${r.pull_request.state === "opened" ? "Opened" : r.pull_request.state === "updated" ? "Updated" : "Already proposed in"} PR #${r.pull_request.number} (${why}): ${r.pull_request.url}`);
  } else if (r.pushed_to) ok(`Pushed to ${r.pushed_to}`);
  const forge = FORGE_LABEL[r.forge];
  const rules = describeRules(r.forge, r.protection.rules);
  if (r.protection.action === "none") ok(`${r.branch} on ${forge} is already protected: ${rules}`);
  else if (dry) line(`Would protect ${r.branch} on ${forge}: ${rules}`);
  else ok(`Protected ${r.branch} on ${forge}: ${rules}`);
}
