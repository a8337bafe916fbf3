import { defineCommand } from "../../../cli-args.ts";
import { rmdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../../../errors.ts";
import { changeRealm, remoteUrl } from "../../../git/realm-repo.ts";
import { landedLine, proposalFor } from "../../../sync/propose.ts";
import { loadValidRealm } from "../../../realm/load.ts";
import { planLeave } from "../../../realm/membership.ts";
import { removeDomainMember, removeRealmPath } from "../../../realm/write.ts";
import { ok, warnProblems } from "../../../ui/output.ts";
import { CONFIG_PATH, findRepoRoot, readMember, realmLocation } from "../../../realm/workspace.ts";
import { unknownRealm } from "../../../system/home.ts";

export const leave = defineCommand({
  meta: {
    name: "leave",
    description: "Remove this repo from its realm: its repos/ file, bindings and domain memberships",
    examples: ["blue realm admin leave", "# Remove a repo that is gone, from any repo of the realm:", "blue realm admin leave --realm letemcook --repo old-service"],
  },
  args: {
    repo: { type: "string", description: "Remove another repo (with --realm) instead of the one you are in", valueHint: "name" },
    realm: { type: "string", description: "Realm to leave (default: the realm of the repo you are in)", valueHint: "name" },
  },
  async run({ args }) {
    const root = findRepoRoot();
    const member = root ? readMember(root) : undefined;
    const realmName = args.realm ?? member?.config.realm.name;
    const repo = args.repo ?? member?.config.repo;
    if (!realmName || !repo) {
      throw new UsageError("this directory is not in a member repo", "Run it inside the repo that should leave, or pass --realm and --repo.");
    }
    const loc = realmLocation(realmName);
    if (!loc.cloned) throw unknownRealm(realmName);

    const isThisRepo = member !== undefined && member.config.repo === repo && member.config.realm.name === realmName;
    const url = (await remoteUrl(loc.clone)) ?? loc.clone;
    const proposal = proposalFor(realmName, loc.clone, url);
    const plan = await changeRealm(loc.clone, {
      propose: proposal.propose,
      apply: () => {
        const { model, warnings } = loadValidRealm(loc.clone, realmName);
        warnProblems(warnings);
        // Removed from the realm already (e.g. `leave --repo` run elsewhere): only the local config is left.
        if (isThisRepo && !model.repos.has(repo)) return undefined;
        const plan = planLeave(model, repo);
        for (const d of plan.editDomains) removeDomainMember(loc.clone, d, repo);
        for (const f of plan.deleteFiles) removeRealmPath(loc.clone, f);
        for (const d of plan.deleteDomains) removeRealmPath(loc.clone, `domains/${d}`);
        return plan;
      },
      message: (p) => `blue: ${p?.repo} leaves the realm`,
    });

    if (isThisRepo) {
      rmSync(member.configPath, { force: true });
      try {
        rmdirSync(dirname(member.configPath)); // only if .blue/ is now empty
      } catch {}
    }
    if (!plan) {
      ok(`'${repo}' was no longer a member of realm '${realmName}'; removed the stale ${CONFIG_PATH}`);
      return;
    }
    for (const f of plan.deleteFiles) ok(`Removed ${f} from realm`);
    for (const d of plan.editDomains) ok(`Left domain ${d}`);
    for (const d of plan.deleteDomains) ok(`Removed domain ${d} (no members left)`);
    if (isThisRepo) ok(`Removed ${CONFIG_PATH} locally`);
    ok(landedLine(proposal, url));
  },
});
