import { defineCommand } from "../../../cli-args.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../../errors.ts";
import { changeRealm, remoteUrl } from "../../../git/realm-repo.ts";
import { identityEmail } from "../../../git/identity.ts";
import { loadValidRealm } from "../../../realm/load.ts";
import { planMaintainers, type MaintainersChange } from "../../../realm/maintainers.ts";
import { setRepoMaintainers } from "../../../realm/write.ts";
import { landedLine, proposalFor } from "../../../sync/propose.ts";
import { line, ok, warnProblems } from "../../../ui/output.ts";
import { findRepoRoot, readMember, realmLocation } from "../../../realm/workspace.ts";
import { unknownRealm } from "../../../system/home.ts";

const args = {
  email: { type: "positional", description: "The maintainer's email (as their commits carry it)", required: true, valueHint: "email" },
  repo: { type: "string", description: "The repo (default: the repo you are in)", valueHint: "name" },
  key: { type: "string", description: "An SSH public key of theirs ('ssh-ed25519 AAAA… comment'), for signed commits", valueHint: "key" },
  realm: { type: "string", description: "The realm (default: the realm of the repo you are in)", valueHint: "name" },
} as const;

async function change(action: MaintainersChange["action"], a: { email: string; repo?: string; key?: string; realm?: string }) {
  const root = findRepoRoot();
  const member = root ? readMember(root) : undefined;
  const realm = a.realm ?? member?.config.realm.name;
  const repo = a.repo ?? (member && member.config.realm.name === realm ? member.config.repo : undefined);
  if (!realm || !repo) throw new UsageError("no repo given and this directory is not in a member repo", "Pass --repo <name> (and --realm <name> outside a member repo).");
  const loc = realmLocation(realm);
  if (!loc.cloned) throw unknownRealm(realm);
  const actor = await identityEmail(loc.clone);
  const url = (await remoteUrl(loc.clone)) ?? loc.clone;
  const proposal = proposalFor(realm, loc.clone, url);
  const plan = await changeRealm(loc.clone, {
    propose: proposal.propose,
    apply: () => {
      const { model, warnings } = loadValidRealm(loc.clone, realm);
      warnProblems(warnings);
      const plan = planMaintainers(model, { action, repo, email: a.email, key: a.key, actor });
      const file = existsSync(join(loc.clone, plan.file)) ? plan.file : plan.file.replace(/\.yaml$/, ".yml");
      if (plan.done.length) setRepoMaintainers(loc.clone, file, plan);
      return { ...plan, file };
    },
    message: (p) => `blue: ${repo}: ${p.done.join(", ").replace(/^./, (c) => c.toLowerCase())}`,
  });
  if (plan.done.length === 0) return line(`Nothing to change: ${a.email} is already ${a.key ? "a maintainer of " + repo + " with that key" : "a maintainer of " + repo}.`);
  for (const d of plan.done) ok(`${d} ${d.startsWith("Removed") ? "from" : "to"} ${plan.file}`);
  ok(landedLine(proposal, url));
}

const add = defineCommand({
  meta: {
    name: "add",
    description: "Make someone a maintainer of a repo, or record a signing key of theirs",
    examples: ["blue realm admin maintainers add carol@example.com", "blue realm admin maintainers add carol@example.com --key 'ssh-ed25519 AAAAC3Nz… carol@laptop'", "blue realm admin maintainers add carol@example.com --repo fungal-image-analysis"],
  },
  args,
  run: ({ args: a }) => change("add", a),
});

const remove = defineCommand({
  meta: {
    name: "remove",
    description: "Remove a maintainer of a repo (and their keys), or with --key only that key; never the last maintainer",
    examples: ["blue realm admin maintainers remove bob@example.com", "blue realm admin maintainers remove bob@example.com --key 'ssh-ed25519 AAAAC3Nz… bob@old-laptop'"],
  },
  args,
  run: ({ args: a }) => change("remove", a),
});

export const maintainers = defineCommand({
  meta: { name: "maintainers", description: "Change who maintains a repo in the realm, and the SSH keys their signed commits are verified with" },
  subCommands: { add, remove },
});
