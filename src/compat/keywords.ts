// Which keywords of a schema object take part in validation. Everything else is either an annotation
// (reported, never breaking), `default` (its own rule) or a definitions table (reached only through `$ref`).

import { isObject } from "./canonical.ts";

export const ANNOTATION_KEYWORDS: readonly string[] = ["title", "description", "$comment", "examples", "$id", "$schema", "$anchor", "deprecated", "readOnly", "writeOnly"];

const NON_VALIDATION = new Set([...ANNOTATION_KEYWORDS, "default", "$defs", "definitions"]);

export function validationKeys(schema: Record<string, unknown>): string[] {
  return Object.keys(schema).filter((k) => !NON_VALIDATION.has(k));
}

/** `true`, `{}`, an absent schema, or one with only annotations: no value is rejected. */
export function acceptsEverything(schema: unknown): boolean {
  return schema === undefined || schema === true || (isObject(schema) && validationKeys(schema).length === 0);
}

/** A schema object without its non-validation keywords (what a combinator member or a lifted schema is). */
export function validationPart(schema: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(validationKeys(schema).map((k) => [k, schema[k]]));
}
