// A realm with history, shared by the contract and MCP tests: aperture exports s3-permissions, first as the
// 1.0.0 skeleton `domain create` writes, then 1.4.0 with a schema and value read from config/s3.json;
// fungal-image-analysis imports it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { initialSetup, type Sandbox } from "./sandbox.ts";

export const SCHEMA = {
  type: "object",
  required: ["read"],
  properties: {
    read: { type: "array", items: { type: "string" } },
    write: { type: "array", items: { type: "string" }, default: [] },
  },
};
export const VALUE = { read: ["jobs/*/masks/*", "training-runs/*"], write: ["training-metrics/*"] };
export const CONTRACT_FILE = "domains/s3-access/contracts/s3-permissions.yaml";

/** Edits a file of the realm clone as a YAML document (comments kept), committing it when given a message. */
export function realmFileEditor(sb: Sandbox, clone: string) {
  return (rel: string, fn: (doc: ReturnType<typeof parseDocument>) => void, message?: string) => {
    const doc = parseDocument(readFileSync(join(clone, rel), "utf8"));
    fn(doc);
    writeFileSync(join(clone, rel), doc.toString());
    if (message) sb.git(clone, "commit", "-qam", message);
  };
}

/** aperture's export of s3-permissions read from its code (config/s3.json, /permissions): the binding gets the
 *  extract, the realm is pushed, and the returned `code(value)` writes the file (first with `value`). */
export function exportFromCode(sb: Sandbox, clone: string, aperture: string, value: unknown) {
  realmFileEditor(sb, clone)("domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "extract"], { file: "config/s3.json", pointer: "/permissions" }), "extract");
  sb.git(clone, "push", "-q", "origin", "main");
  mkdirSync(join(aperture, "config"));
  const code = (v: unknown) => writeFileSync(join(aperture, "config/s3.json"), JSON.stringify({ permissions: v }));
  code(value);
  return code;
}

export function realmWithHistory() {
  const setup = initialSetup();
  const { sb, aperture } = setup;
  const clone = sb.realmClone("letemcook");
  const edit = realmFileEditor(sb, clone);
  edit(CONTRACT_FILE, (d) => {
    d.set("version", "1.4.0");
    d.set("description", "What fungal may do in aperture's buckets");
    d.set("schema", SCHEMA);
    d.set("value", VALUE);
    d.set("evolution", [
      { version: "1.0.0", changes: ["Initial skeleton"], compatible: true },
      { version: "1.4.0", changes: ["Added write"], compatible: true },
    ]);
  }, "s3-permissions 1.4.0");
  edit("domains/s3-access/bindings/fungal-image-analysis.yaml", (d) => d.setIn(["imports", 0, "resolved_version"], "1.0.0"), "fungal at 1.0.0");
  const code = exportFromCode(sb, clone, aperture, VALUE);
  return { ...setup, clone, edit, code };
}
