import { defineCommand } from "../../../cli-args.ts";
import { stringify } from "yaml";
import { memberContractView, type ContractView } from "../../../contract/view.ts";
import { dim, json, line } from "../../../ui/output.ts";
import { requireMember } from "../../../realm/workspace.ts";

export const show = defineCommand({
  meta: {
    name: "show",
    description: "Show a contract: owner, version, schema, value, evolution and who exports and imports it",
    examples: ["blue realm contract show s3-permissions", "blue realm contract show s3-permissions --version 1.3.0 --json"],
  },
  args: {
    name: { type: "positional", description: "The contract's name", required: true, valueHint: "name" },
    version: { type: "string", description: "Show this earlier version, read from the realm's git history", valueHint: "version" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    const view = await memberContractView(requireMember(), args.name, args.version);
    if (args.json) return json(view);
    render(view);
  },
});

function render(v: ContractView): void {
  const older = v.version !== v.latest_version ? ` (latest: ${v.latest_version})` : "";
  line(`${v.name} v${v.version}${older}`);
  if (v.description) line(`  ${v.description}`);
  line(`  domain:        ${v.domain}`);
  line(`  owner:         ${v.owner}`);
  const dirs = [v.compatibility.backwards && "backwards", v.compatibility.forwards && "forwards"].filter(Boolean);
  line(`  compatibility: ${dirs.length ? dirs.join(", ") : "none"}`);
  line();
  line("Bindings:");
  if (v.bindings.length === 0) line("  none");
  for (const b of v.bindings) {
    if (b.role === "export") line(`  ${b.repo} exports`);
    else line(`  ${b.repo} imports ${b.range}${b.resolved_version ? `, at ${b.resolved_version}` : ", not resolved yet"}`);
  }
  line();
  line("Value:");
  indented(v.value);
  line();
  line("Schema:");
  indented(v.schema);
  if (v.evolution.length) {
    line();
    line("Evolution:");
    for (const e of v.evolution) {
      line(`  ${e.version}${e.compatible ? "" : " (breaking)"}${e.published_at ? dim(` ${e.published_at}`) : ""}`);
      for (const c of e.changes) line(`    - ${c}`);
    }
  }
}

/** Values and schemas as YAML, the way they read in the realm's contract files. */
function indented(data: unknown): void {
  for (const l of stringify(data).trimEnd().split("\n")) line(`  ${l}`);
}
