import { defineCommand } from "../../cli-args.ts";
import { UsageError } from "../../errors.ts";
import { remoteUrl } from "../../git/realm-repo.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { requireMember } from "../../realm/workspace.ts";
import { dim, json, line, ok } from "../../ui/output.ts";

export const exportCommand = defineCommand({
  meta: {
    name: "export",
    description: "Say how this repo's code gives a contract it owns: the file and JSON pointer, or the command, it is read from, and its schema file",
    examples: ["blue realm export s3-permissions --extract config/s3.json:/permissions --schema-file schemas/s3-permissions.json", "blue realm export s3-permissions --command --source-files config/s3.json -- scripts/export-s3.sh --json", "blue realm export s3-permissions --extract config/s3.yaml --dry-run"],
  },
  args: {
    contract: { type: "positional", description: "A contract this repo owns", required: true, valueHint: "contract" },
    extract: { type: "string", description: "Read the value from this JSON or YAML file in the repo, at an optional JSON pointer", valueHint: "file[:/pointer]" },
    command: { type: "boolean", description: "Read the value from the JSON a program prints: its argv follows '--' (pinned in .blue/config.yaml)" },
    "schema-file": { type: "string", description: "The JSON Schema file in the repo that sync publishes with the value", valueHint: "path" },
    "source-files": { type: "string", description: "Comma-separated files a command reads (its output is reused while they are unchanged)", valueHint: "a,b" },
    domain: { type: "string", description: "The contract's domain, when its name is in more than one", valueHint: "name" },
    "dry-run": { type: "boolean", description: "Check it and print what would change; change nothing" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    const argv = (args._ as string[]).slice(1);
    if (args.command && argv.length === 0) throw new UsageError("--command needs the program's argv after '--'", "Example: blue realm export s3-permissions --command -- scripts/export-s3.sh --json");
    if (!args.command && argv.length > 0) throw new UsageError(`unexpected argument "${argv[0]}"`, "The argv of a command follows --command --.");
    if (args.command && args.extract) throw new UsageError("--extract and --command cannot be combined", "Give one way to read the value.");
    if (!args.command && !args.extract && args["schema-file"] === undefined && args["source-files"] === undefined) {
      throw new UsageError("nothing to change", "Give --extract FILE[:POINTER] or --command -- ARGV…, and/or --schema-file PATH.");
    }
    const extract = args.command ? { command: argv } : args.extract ? splitExtract(String(args.extract)) : undefined;
    const member = requireMember();
    const clone = await ensureRealmClone(member);
    const url = (await remoteUrl(clone)) ?? clone;
    const [{ runExport }, { landedLine, proposalFor }] = await Promise.all([import("../../bindings/run.ts"), import("../../sync/propose.ts")]);
    const proposal = proposalFor(member.config.realm.name, clone, url);
    const r = await runExport(
      { member, clone, propose: proposal.propose, dryRun: Boolean(args["dry-run"]) },
      {
        contract: String(args.contract),
        domain: args.domain,
        extract,
        schema_file: args["schema-file"],
        source_files: args["source-files"] === undefined ? undefined : String(args["source-files"]).split(",").map((s) => s.trim()).filter(Boolean),
      },
    );
    if (args.json) return json({ domain: r.domain, contract: r.contract, file: r.file, changes: r.changes, binding: r.after, value_checked: r.value_checked, pinned: r.pinned, dry_run: Boolean(args["dry-run"]) });
    if (r.value_checked) ok(`Read ${r.contract} with it: valid under ${r.after.schema_file ?? "the contract's schema"}`);
    if (r.changes.length === 0) line(`${r.file} already exports ${r.contract} this way`);
    for (const c of r.changes) ok(`${args["dry-run"] ? "Would set" : "Set"} ${c} ${dim(`(${r.file})`)}`);
    if (r.pinned && !args["dry-run"]) ok("Pinned the command in .blue/config.yaml: commit it, so CI and teammates run it");
    if (r.changes.length && !args["dry-run"]) ok(landedLine(proposal, url));
    if (r.changes.length && !args["dry-run"]) line("Run 'blue realm sync' to publish the value it reads.");
  },
});

/** FILE[:POINTER]: the pointer starts at the first ':/' (a file name may hold ':'). */
function splitExtract(s: string): { file: string; pointer: string } {
  const at = s.indexOf(":/");
  return at < 0 ? { file: s, pointer: "" } : { file: s.slice(0, at), pointer: s.slice(at + 1) };
}
