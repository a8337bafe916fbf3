import { defineCommand } from "../cli-args.ts";
import { UnknownName } from "../errors.ts";
import { fileKinds, jsonSchemaOf, type FileKind } from "../realm/schema.ts";
import { json, line } from "../ui/output.ts";

export const schema = defineCommand({
  meta: {
    name: "schema",
    description: "Print the JSON Schema of a realm file or .blue/config.yaml (for editors: # yaml-language-server: $schema=...)",
    examples: ["blue schema", "blue schema contract > contract.schema.json"],
  },
  args: {
    kind: { type: "positional", description: `One of: ${Object.keys(fileKinds).join(", ")}. Without it, list the kinds`, required: false, valueHint: "kind" },
  },
  run({ args }) {
    if (!args.kind) {
      for (const [kind, { path }] of Object.entries(fileKinds)) line(`${kind.padEnd(11)} ${path}`);
      return;
    }
    if (!(args.kind in fileKinds)) {
      throw new UnknownName(`unknown kind '${args.kind}'`, `Kinds: ${Object.keys(fileKinds).join(", ")}.`, args.kind, Object.keys(fileKinds));
    }
    json(jsonSchemaOf(args.kind as FileKind));
  },
});
