// `$ref`s resolved the way the validator resolves them: against the base URI of the schema resource that holds
// them (the nearest enclosing `$id`), to a JSON pointer or an anchor (`$anchor`, or draft 7's `$id: "#name"`)
// inside one of the document's own resources. Remote references are not resolved: the walk reports them.

import { isObject } from "./canonical.ts";
import { validationKeys } from "./keywords.ts";
import type { Located } from "./context.ts";
import { childPointer, parsePointer, valueAt } from "../realm/pointer.ts";

/** The base URI of a document without a root `$id`; any absolute URI would do. */
const ROOT_BASE = "blue:/schema.json";

/** Keywords whose values are data, not schemas: an `$id` inside an enum value names no resource. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples"]);

type RefIndex = { resources: Map<string, string>; anchors: Map<string, string>; plain: boolean };
const indexes = new WeakMap<object, RefIndex>();

function absolute(ref: string, base: string): URL | undefined {
  try {
    return new URL(ref, base);
  } catch {
    return undefined;
  }
}

const withoutFragment = (u: URL) => `${u.href.split("#")[0]}`;

/** Every resource (by absolute URI) and anchor of a document, with its pointer; built once per document. */
function indexOf(root: unknown): RefIndex {
  if (root === null || typeof root !== "object") return { resources: new Map([[ROOT_BASE, ""]]), anchors: new Map(), plain: true };
  const cached = indexes.get(root);
  if (cached) return cached;
  const index: RefIndex = { resources: new Map(), anchors: new Map(), plain: true };
  const visit = (node: unknown, at: string, base: string): void => {
    if (Array.isArray(node)) return node.forEach((x, i) => visit(x, childPointer(at, i), base));
    if (!isObject(node)) return;
    let here = base;
    if (typeof node.$id === "string") {
      index.plain = false;
      if (node.$id.startsWith("#")) index.anchors.set(`${base}${node.$id}`, at);
      else {
        const u = absolute(node.$id, base);
        if (u) (here = withoutFragment(u)), index.resources.set(here, at);
      }
    }
    if (typeof node.$anchor === "string") (index.plain = false), index.anchors.set(`${here}#${node.$anchor}`, at);
    for (const [k, v] of Object.entries(node)) if (!DATA_KEYWORDS.has(k) && typeof v === "object" && v !== null) visit(v, childPointer(at, k), here);
  };
  index.resources.set(ROOT_BASE, "");
  visit(root, "", ROOT_BASE);
  indexes.set(root, index);
  return index;
}

/** The base URI in force at a pointer: the root's, changed by every `$id` on the way down. */
function baseAt(root: unknown, at: string): string {
  let base = ROOT_BASE;
  let node = root;
  const step = (n: unknown) => {
    if (isObject(n) && typeof n.$id === "string" && !n.$id.startsWith("#")) {
      const u = absolute(n.$id, base);
      if (u) base = withoutFragment(u);
    }
  };
  step(node);
  for (const token of parsePointer(at) ?? []) {
    node = valueAt(node, [token]);
    step(node);
  }
  return base;
}

/** The schema a reference names, with its pointer in the document; undefined when it names nothing here. */
export function resolveRef(root: unknown, ref: string, from = ""): Located | undefined {
  const index = indexOf(root);
  if (index.plain) {
    // No `$id` or anchor anywhere: a local pointer is all a reference can name (the common, fast case).
    if (!ref.startsWith("#")) return undefined;
    return atPointer(root, "", ref.slice(1));
  }
  const u = absolute(ref, baseAt(root, from));
  if (!u) return undefined;
  const resource = index.resources.get(withoutFragment(u));
  if (resource === undefined) return undefined;
  const fragment = u.hash.slice(1);
  if (fragment === "" || fragment.startsWith("/")) return atPointer(root, resource, fragment);
  const anchored = index.anchors.get(`${withoutFragment(u)}#${decodeSafe(fragment) ?? ""}`);
  return anchored === undefined ? undefined : { schema: valueAt(root, parsePointer(anchored)!), at: anchored };
}

const decodeSafe = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

function atPointer(root: unknown, resource: string, encoded: string): Located | undefined {
  const fragment = decodeSafe(encoded);
  const tokens = fragment === undefined ? undefined : parsePointer(fragment);
  if (tokens === undefined) return undefined;
  const at = resource + fragment;
  const schema = valueAt(root, [...parsePointer(resource)!, ...tokens]);
  return schema === undefined ? undefined : { schema, at };
}

/** A reference with nothing but annotations beside it stands for its target; one with siblings does not. */
function pureRef(schema: unknown): string | undefined {
  if (!isObject(schema) || typeof schema.$ref !== "string") return undefined;
  const keys = validationKeys(schema);
  return keys.length === 1 ? schema.$ref : undefined;
}

/**
 * Follow pure references to the schema they name. A chain that comes back on itself names no schema
 * (validators reject it); it is read as `{}` so the walk can go on.
 */
export function deref(root: unknown, located: Located): Located {
  const seen = new Set<string>();
  let current = located;
  for (let ref = pureRef(current.schema); ref !== undefined; ref = pureRef(current.schema)) {
    const target = resolveRef(root, ref, current.at);
    if (!target) return current;
    if (seen.has(target.at)) return { schema: {}, at: target.at };
    seen.add(target.at);
    current = target;
  }
  return current;
}

/**
 * One text per schema with every resolvable reference replaced by what it names, so two schemas that read
 * the same through their definitions compare equal, and a changed definition is seen where it is used.
 */
export function resolvedText(root: unknown, located: Located, seen: ReadonlySet<string> = new Set()): string {
  const { schema, at } = located;
  if (Array.isArray(schema)) return `[${schema.map((s, i) => resolvedText(root, { schema: s, at: childPointer(at, i) }, seen)).join(",")}]`;
  if (!isObject(schema)) return schema === undefined ? "undefined" : JSON.stringify(schema);
  const parts: string[] = [];
  for (const k of Object.keys(schema).sort()) {
    const v = schema[k];
    if (k === "$ref" && typeof v === "string") {
      const target = resolveRef(root, v, at);
      if (!target) parts.push(`"$ref":${JSON.stringify(v)}`);
      else if (seen.has(target.at)) parts.push(`"$ref":"(cycle)"`);
      else parts.push(`"$ref":${resolvedText(root, target, new Set([...seen, target.at]))}`);
    } else if (DATA_KEYWORDS.has(k) || k === "$defs" || k === "definitions") parts.push(`${JSON.stringify(k)}:${k === "$defs" || k === "definitions" ? "0" : JSON.stringify(v)}`);
    else parts.push(`${JSON.stringify(k)}:${resolvedText(root, { schema: v, at: childPointer(at, k) }, seen)}`);
  }
  return `{${parts.join(",")}}`;
}
