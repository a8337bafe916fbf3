import { defineCommand } from "../cli-args.ts";
import { UsageError } from "../errors.ts";
import { fileKinds, jsonSchemaOf, type FileKind } from "../realm/schema.ts";
import { json, line } from "../ui/output.ts";

export const schema = defineCommand({
  meta: {
    name: "schema",
    description: "Print the JSON Schema of a realm file or .blue/config.yaml (for editors: # yaml-language-server: $schema=...)",
  },
  args: {
    kind: { type: "positional", description: `One of: ${Object.keys(fileKinds).join(", ")}. Without it, list the kinds`, required: false },
  },
  run({ args }) {
    if (!args.kind) {
      for (const [kind, { path }] of Object.entries(fileKinds)) line(`${kind.padEnd(11)} ${path}`);
      return;
    }
    if (!(args.kind in fileKinds)) {
      throw new UsageError(`unknown kind '${args.kind}'`, `Kinds: ${Object.keys(fileKinds).join(", ")}.`);
    }
    json(jsonSchemaOf(args.kind as FileKind));
  },
});
