import { defineCommand } from "../../../cli-args.ts";
import { UnknownName, UsageError } from "../../../errors.ts";
import { changeRealm, remoteUrl } from "../../../git/realm-repo.ts";
import { landedLine, proposalFor } from "../../../sync/propose.ts";
import { planDomainCreate } from "../../../realm/domain.ts";
import { loadValidRealm, type DomainModel } from "../../../realm/load.ts";
import { bindingForDisk, writeRealmFile } from "../../../realm/write.ts";
import { json, line, ok, warnProblems } from "../../../ui/output.ts";
import { realmLocation, resolveRealmName } from "../../../realm/workspace.ts";
import { unknownRealm } from "../../../system/home.ts";
import { splitList } from "./init.ts";

const realmArg = {
  type: "string",
  description: "Realm to act on (default: the realm of the repo you are in)",
  valueHint: "name",
} as const;

function clonedRealm(flag: string | undefined) {
  const name = resolveRealmName(flag);
  const loc = realmLocation(name);
  if (!loc.cloned) throw unknownRealm(name);
  return { name, clone: loc.clone };
}

const create = defineCommand({
  meta: {
    name: "create",
    description: "Create a domain between repos, with its contracts and their bindings",
    examples: ["blue realm admin domain create s3-access --repos aperture,fungal-image-analysis --contract s3-permissions", "blue realm admin domain create metrics --repos aperture,dashboard,fungal-image-analysis --owner dashboard --description 'Training metrics'"],
  },
  args: {
    name: { type: "positional", description: "Name of the domain", required: true, valueHint: "domain" },
    repos: { type: "string", description: "Comma-separated member repos; the first owns the contracts unless --owner says otherwise", required: true, valueHint: "a,b" },
    contract: { type: "string", description: "Comma-separated contracts to create (skeletons the owner exports, the others import)", valueHint: "name" },
    owner: { type: "string", description: "The repo that owns and exports the contracts (default: the first of --repos)", valueHint: "repo" },
    description: { type: "string", description: "What the domain coordinates", valueHint: "text" },
    realm: realmArg,
  },
  async run({ args }) {
    const { name: realmName, clone } = clonedRealm(args.realm);
    const input = {
      name: args.name,
      repos: splitList(args.repos),
      contracts: args.contract ? splitList(args.contract) : [],
      owner: args.owner,
      description: args.description,
      now: new Date(),
    };
    const url = (await remoteUrl(clone)) ?? clone;
    const proposal = proposalFor(realmName, clone, url);
    const plan = await changeRealm(clone, {
      propose: proposal.propose,
      apply: () => {
        const { model, warnings } = loadValidRealm(clone, realmName);
        warnProblems(warnings);
        const plan = planDomainCreate(model, input);
        const base = `domains/${plan.domain.name}`;
        writeRealmFile(clone, `${base}/domain.yaml`, "domain", plan.domain);
        for (const c of plan.contracts) writeRealmFile(clone, `${base}/contracts/${c.name}.yaml`, "contract", c);
        for (const b of plan.bindings) writeRealmFile(clone, `${base}/bindings/${b.repo}.yaml`, "binding", bindingForDisk(b));
        return plan;
      },
      message: (p) => `blue: create domain ${p.domain.name} (${p.domain.members.join(", ")})`,
    });
    const base = `domains/${plan.domain.name}`;
    ok(`Created ${base}/domain.yaml`);
    for (const c of plan.contracts) ok(`Created ${base}/contracts/${c.name}.yaml`);
    for (const b of plan.bindings) {
      const pending = plan.pending.includes(b.repo) ? ", has not joined yet" : "";
      ok(`Created ${base}/bindings/${b.repo}.yaml (${b.role}${pending})`);
    }
    if (plan.bindings.length === 0) for (const r of plan.pending) line(`  ${r} has not joined yet: a pending member`);
    ok(landedLine(proposal, url));
  },
});

function summary(d: DomainModel) {
  return {
    name: d.name,
    description: d.file.description,
    members: d.file.members,
    contracts: [...d.contracts.values()].map((c) => ({ name: c.name, version: c.version, owner: c.owner })),
    bindings: [...d.bindings.values()].map((b) => ({
      repo: b.repo,
      role: b.role,
      exports: b.exports.map((e) => e.contract),
      imports: b.imports.map((i) => ({ contract: i.contract, version: i.version, status: i.status, resolved_version: i.resolved_version })),
    })),
  };
}

const list = defineCommand({
  meta: { name: "list", description: "List the realm's domains with their members and contracts", examples: ["blue realm admin domain list", "blue realm admin domain list --realm letemcook --json"] },
  args: { realm: realmArg, json: { type: "boolean", description: "Print one JSON document" } },
  run({ args }) {
    const { name, clone } = clonedRealm(args.realm);
    const { model, warnings } = loadValidRealm(clone, name);
    warnProblems(warnings);
    const domains = [...model.domains.values()].map(summary);
    if (args.json) return json({ realm: name, domains, pending: model.pending });
    if (domains.length === 0) return line(`No domains in realm '${name}' yet. Create one with 'blue realm admin domain create'.`);
    for (const d of domains) {
      const contracts = d.contracts.map((c) => `${c.name} v${c.version} (${c.owner})`).join(", ") || "no contracts";
      line(`${d.name}: ${d.members.join(", ")} · ${contracts}`);
    }
  },
});

const show = defineCommand({
  meta: { name: "show", description: "Show one domain: members, contracts and bindings", examples: ["blue realm admin domain show s3-access"] },
  args: {
    name: { type: "positional", description: "Name of the domain", required: true, valueHint: "domain" },
    realm: realmArg,
    json: { type: "boolean", description: "Print one JSON document" },
  },
  run({ args }) {
    const { name, clone } = clonedRealm(args.realm);
    const { model } = loadValidRealm(clone, name);
    const d = model.domains.get(args.name);
    if (!d) {
      const known = [...model.domains.keys()].join(", ") || "none";
      throw new UnknownName(`unknown domain '${args.name}' in realm '${name}'`, `Known domains: ${known}.`, args.name, [...model.domains.keys()]);
    }
    const s = summary(d);
    if (args.json) return json(s);
    line(`Domain: ${s.name}${s.description ? ` — ${s.description}` : ""}`);
    line(`Members: ${s.members.map((m) => (model.pending.includes(m) ? `${m} (pending)` : m)).join(", ")}`);
    for (const c of s.contracts) line(`Contract: ${c.name} v${c.version}, owner ${c.owner}`);
    for (const b of s.bindings) {
      const what = b.role === "provider" ? `exports ${b.exports.join(", ")}` : `imports ${b.imports.map((i) => `${i.contract} ${i.version} (${i.status}${i.resolved_version ? ` at ${i.resolved_version}` : ""})`).join(", ")}`;
      line(`Binding: ${b.repo} (${b.role}) ${what}`);
    }
  },
});

export const domain = defineCommand({
  meta: { name: "domain", description: "Create and inspect domains (relationships between repos)" },
  subCommands: { create, list, show },
});
