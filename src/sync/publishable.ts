// sync publishes a value only with a schema that accepts it: a version its own `check --mode=contract` rejects
// would fail every member's CI once it lands. Pure: the validator of record judges what the plan would write,
// and each problem is named where the provider fixes it (the file the value or schema was read from).
import { validateValue } from "../check/validate.ts";

/** Where sync read what it publishes: the value's file (or command) and the pointer of the value in it, and the
 *  schema's file (the export's schema_file, else the contract file). */
export type Origin = { value: { file: string; pointer: string }; schema: { file: string; pointer: string } };

export type PublishProblem = { file: string; pointer: string; message: string };

/** Why one contract version may not be published: its schema does not compile, or its value is invalid under it. */
export type Refusal = { contract: string; version: string; reason: string; problems: PublishProblem[] };

/** How many problems a refusal names before "and N more". */
export const SHOWN = 5;

/** `pointer` inside the document at `base` ("" or "/" is the whole document). */
function under(base: string, pointer: string): string {
  const prefix = base === "/" ? "" : base;
  return `${prefix}${pointer}` || "/";
}

/** What stops `value` from being published under `schema`; none when it may be. */
export function publishRefusal(u: { contract: string; to: string; schema: Record<string, unknown>; value: unknown }, origin: Origin): Refusal | undefined {
  const outcome = validateValue(u.schema, u.value);
  if (outcome.schemaError !== undefined) {
    return {
      contract: u.contract,
      version: u.to,
      reason: `${origin.schema.file} does not compile`,
      problems: [{ file: origin.schema.file, pointer: origin.schema.pointer || "/", message: `not a valid JSON Schema: ${outcome.schemaError}` }],
    };
  }
  if (outcome.errors.length === 0) return undefined;
  return {
    contract: u.contract,
    version: u.to,
    reason: `its value is invalid under ${origin.schema.file}`,
    problems: outcome.errors.map((e) => ({
      file: origin.value.file,
      pointer: under(origin.value.pointer, e.instancePath),
      message: `${e.message ?? "is invalid"}${e.additionalProperty !== undefined ? ` ('${e.additionalProperty}')` : ""}`,
    })),
  };
}

/** The refusal as one line, then a line per problem (file, JSON pointer, message): the first few, then how many more. */
export function describeRefusals(refusals: readonly Refusal[]): string {
  const head = `sync refuses to publish ${refusals.map((r) => `${r.contract} ${r.version}: ${r.reason}`).join("; ")}`;
  const problems = refusals.flatMap((r) => r.problems);
  const lines = problems.slice(0, SHOWN).map((p) => `  ${p.file}: ${p.pointer}: ${p.message}`);
  if (problems.length > SHOWN) lines.push(`  and ${problems.length - SHOWN} more`);
  return [head, ...lines].join("\n");
}
