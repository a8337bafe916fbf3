// A realm with history, shared by the contract and MCP tests: aperture exports s3-permissions, first as the
// 1.0.0 skeleton `domain create` writes, then 1.4.0 with a schema and value read from config/s3.json;
// fungal-image-analysis imports it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { initialSetup } from "./sandbox.ts";

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

export function realmWithHistory() {
  const setup = initialSetup();
  const { sb, aperture } = setup;
  const clone = sb.realmClone("letemcook");
  const edit = (rel: string, fn: (doc: ReturnType<typeof parseDocument>) => void, message: string) => {
    const doc = parseDocument(readFileSync(join(clone, rel), "utf8"));
    fn(doc);
    writeFileSync(join(clone, rel), doc.toString());
    sb.git(clone, "commit", "-qam", message);
  };
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
  edit("domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "extract"], { file: "config/s3.json", pointer: "/permissions" }), "extract");
  edit("domains/s3-access/bindings/fungal-image-analysis.yaml", (d) => d.setIn(["imports", 0, "resolved_version"], "1.0.0"), "fungal at 1.0.0");
  sb.git(clone, "push", "-q", "origin", "main");
  mkdirSync(join(aperture, "config"));
  const code = (value: unknown) => writeFileSync(join(aperture, "config/s3.json"), JSON.stringify({ permissions: value }));
  code(VALUE);
  return { ...setup, clone, edit, code };
}
