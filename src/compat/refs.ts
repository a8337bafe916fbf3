// Local `$ref`s (`#` or `#/json/pointer`) resolved inside the schema's own document. Remote references and
// anchors are left as they are: the walk then compares the reference strings.

import { isObject } from "./canonical.ts";
import { validationKeys } from "./keywords.ts";
import type { Located } from "./context.ts";
import { parsePointer, valueAt } from "../realm/pointer.ts";

/** The schema a local reference names, with its pointer; undefined when it is not local or does not resolve. */
export function resolveRef(root: unknown, ref: string): Located | undefined {
  if (!ref.startsWith("#")) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  const tokens = parsePointer(fragment);
  if (tokens === undefined) return undefined;
  const schema = valueAt(root, tokens);
  return schema === undefined ? undefined : { schema, at: fragment };
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
    const target = resolveRef(root, ref);
    if (!target) return current;
    if (seen.has(target.at)) return { schema: {}, at: target.at };
    seen.add(target.at);
    current = target;
  }
  return current;
}
