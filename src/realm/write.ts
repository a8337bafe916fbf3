// Writing the realm's own files in a clone: new files from data, edits through the yaml Document API
// (so people's comments and key order survive), every write atomic. No git here; commands commit.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { isSeq, isScalar } from "yaml";
import type { BindingFile, FileKind } from "./schema.ts";
import { editYamlFile, writeYamlFile } from "../yaml/source.ts";

export function writeRealmFile(root: string, rel: string, kind: FileKind, data: unknown): void {
  writeYamlFile(join(root, rel), data, `blue ${kind} file. Its JSON Schema: blue schema ${kind}`);
}

/** A binding as people write it: no empty exports/imports lists. */
export function bindingForDisk(b: BindingFile): Record<string, unknown> {
  const { exports, imports, ...rest } = b;
  return { ...rest, ...(exports.length ? { exports } : {}), ...(imports.length ? { imports } : {}) };
}

export function removeDomainMember(root: string, domain: string, repo: string): void {
  editYamlFile(join(root, "domains", domain, "domain.yaml"), (doc) => {
    const members = doc.get("members", true);
    if (!isSeq(members)) return;
    members.items = members.items.filter((item) => !(isScalar(item) && item.value === repo));
  });
}

export function removeRealmPath(root: string, rel: string): void {
  rmSync(join(root, rel), { recursive: true, force: true });
}
