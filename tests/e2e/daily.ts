// The RFC's "Daily Development" starting point, shared by the status and sync tests: aperture exports
// s3-permissions 1.4.0, read from its code (config/s3.json), and fungal-image-analysis imports it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { initialSetup, type Sandbox } from "./sandbox.ts";

export const VALUE = { read: ["jobs/*/masks/*", "training-runs/*"], write: ["training-metrics/*"], delete: [] as string[] };
export type S3Value = typeof VALUE;

/** Edit a realm file in a checkout through the yaml Document API. */
export function editRealmFile(dir: string, rel: string, fn: (doc: ReturnType<typeof parseDocument>) => void): void {
  const doc = parseDocument(readFileSync(join(dir, rel), "utf8"));
  fn(doc);
  writeFileSync(join(dir, rel), doc.toString());
}

export function dailyDevelopment(sb?: Sandbox) {
  const setup = initialSetup(sb);
  const { aperture } = setup;
  const clone = setup.sb.realmClone("letemcook");
  editRealmFile(clone, "domains/s3-access/contracts/s3-permissions.yaml", (d) => {
    d.set("version", "1.4.0");
    d.set("value", VALUE);
  });
  editRealmFile(clone, "domains/s3-access/bindings/aperture.yaml", (d) => {
    d.setIn(["exports", 0, "extract"], { file: "config/s3.json", pointer: "/permissions" });
  });
  setup.sb.git(clone, "commit", "-qam", "aperture exports s3-permissions 1.4.0");
  setup.sb.git(clone, "push", "-q", "origin", "main");
  mkdirSync(join(aperture, "config"), { recursive: true });
  const writeCode = (value: S3Value) => writeFileSync(join(aperture, "config/s3.json"), JSON.stringify({ permissions: value }, null, 2));
  writeCode(VALUE);
  return { ...setup, clone, writeCode };
}

type Daily = ReturnType<typeof dailyDevelopment>;
/** The JSON Schema aperture's code publishes for s3-permissions: `read` is a list of strings. */
export const READ_SCHEMA = { type: "object", properties: { read: { type: "array", items: { type: "string" } } }, required: ["read"] };

/** aperture publishes its schema from code (config/schema.json, named in its binding); committed in the realm
 *  clone with `message` and pushed, together with whatever else the caller edited there first. */
export function publishSchema(w: Daily, message = "aperture publishes its schema"): void {
  writeFileSync(join(w.aperture, "config/schema.json"), JSON.stringify(READ_SCHEMA));
  editRealmFile(w.clone, "domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "schema_file"], "config/schema.json"));
  w.sb.git(w.clone, "commit", "-qam", message);
  w.sb.git(w.clone, "push", "-q", "origin", "main");
}

/** A breaking change in aperture's code: `read` may no longer hold strings (schema and value). */
export function breakReadSchema(w: Daily): void {
  writeFileSync(join(w.aperture, "config/schema.json"), JSON.stringify({ ...READ_SCHEMA, properties: { read: { type: "array", items: { type: "integer" } } } }));
  w.writeCode({ ...VALUE, read: [] });
}
