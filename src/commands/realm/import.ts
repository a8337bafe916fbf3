import { defineCommand } from "../../cli-args.ts";
import { remoteUrl } from "../../git/realm-repo.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { requireMember } from "../../realm/workspace.ts";
import { json, ok, warnLine } from "../../ui/output.ts";

export const importCommand = defineCommand({
  meta: {
    name: "import",
    description: "Set the semver range of a contract this repo imports (widen it to take a new major version)",
    examples: ["blue realm import s3-permissions --range '>=1.0.0 <3.0.0'", "blue realm import s3-permissions --range '^2.0.0' --dry-run"],
  },
  args: {
    contract: { type: "positional", description: "A contract this repo imports", required: true, valueHint: "contract" },
    range: { type: "string", description: "The versions this repo's code reads, e.g. '>=1.0.0 <3.0.0'", required: true, valueHint: "range" },
    domain: { type: "string", description: "The contract's domain, when its name is in more than one", valueHint: "name" },
    "dry-run": { type: "boolean", description: "Check it and print what would change; change nothing" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    const member = requireMember();
    const clone = await ensureRealmClone(member);
    const url = (await remoteUrl(clone)) ?? clone;
    const [{ runImport }, { landedLine, proposalFor }] = await Promise.all([import("../../bindings/run.ts"), import("../../sync/propose.ts")]);
    const proposal = proposalFor(member.config.realm.name, clone, url);
    const dryRun = Boolean(args["dry-run"]);
    const r = await runImport({ member, clone, propose: proposal.propose, dryRun }, { contract: String(args.contract), domain: args.domain, range: String(args.range) });
    if (args.json) return json({ ...r, dry_run: dryRun });
    if (r.from === r.to) ok(`${r.file} already imports ${r.contract} at ${r.to}`);
    else ok(`${dryRun ? "Would set" : "Set"} ${r.contract} import range ${r.from} → ${r.to} (${r.file})`);
    if (!r.satisfied) warnLine(`${r.contract} ${r.latest}, the published version, is not in ${r.to}`);
    if (r.from !== r.to && !dryRun) {
      ok(landedLine(proposal, url));
      ok("Run 'blue realm sync' to acknowledge the newest version the range takes");
    }
  },
});
