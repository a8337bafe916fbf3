// A contract value's verdict under its schema (DESIGN.md §4), alone or many at once. ajv is the validator of
// record, but compiling a schema (ajv generates and compiles a function per schema) was most of a cold `check`:
// a value that quickVerdict (quick-verdict.ts) proves valid needs no compiled validator. What is left is shared
// with worker threads when there is a lot of it, one per spare core; each compiles the schemas of its share.
import type Ajv2020 from "ajv/dist/2020.js";
import type AjvDraft7 from "ajv";
import type { ValidationOutcome } from "../store/cache-db.ts";
import { quickVerdict } from "./quick-verdict.ts";
import { compilePattern } from "../realm/pattern.ts";

let validators: { v2020: Ajv2020; v7: AjvDraft7 } | undefined;
/** ajv is loaded on the first compile: a warm check finds every verdict in the cache and never needs it. */
function loadAjv(): { Ajv2020: typeof Ajv2020; AjvDraft7: typeof AjvDraft7; addFormats: typeof import("ajv-formats").default } {
  return {
    Ajv2020: require("ajv/dist/2020.js").default,
    AjvDraft7: require("ajv").default,
    addFormats: require("ajv-formats").default,
  };
}
/** ajv's regular expression engine: every `pattern` and `patternProperties` key is compiled by RE2 (linear time,
 *  realm/pattern.ts), never by RegExp; one RE2 cannot run makes the schema fail to compile. ajv keys compiled
 *  patterns by their toString, which names the source. `code` is for ajv's standalone output, unused here. */
/** Names what judges a value, in validation_cache's key: a verdict cached by another engine is not reused. */
export const VALIDATOR = "ajv+re2";
const re2RegExp = Object.assign((source: string, flags: string) => compilePattern(source, flags), { code: "compilePattern" });
// addUsedSchema off: two contracts may declare the same $id; code.optimize off: ajv's optimiser costs more
// than it saves on a validator that runs once.
const AJV_OPTIONS = { allErrors: true, strict: false, addUsedSchema: false, code: { optimize: false, regExp: re2RegExp } } as const;
function ajvFor(schema: Record<string, unknown>): Ajv2020 | AjvDraft7 {
  if (!validators) {
    const { Ajv2020, AjvDraft7, addFormats } = loadAjv();
    validators = { v2020: addFormats(new Ajv2020(AJV_OPTIONS)) as Ajv2020, v7: addFormats(new AjvDraft7(AJV_OPTIONS)) as AjvDraft7 };
  }
  const declared = typeof schema.$schema === "string" ? schema.$schema : "";
  return /draft-07/.test(declared) ? validators.v7 : validators.v2020;
}

/** Compiled validators by schema text: contracts that share a schema compile it once. */
const compiled = new Map<string, ReturnType<Ajv2020["compile"]> | Error>();

/** The schema's compile error, or the value's errors (none: valid). A value quickVerdict proves valid needs no
 *  compiled validator; anything it cannot prove, and every failure, is ajv's to judge and explain. */
export function validateValue(schema: Record<string, unknown>, value: unknown): ValidationOutcome {
  return provedValid(schema, value) ? { errors: [] } : ajvOutcome(schema, value);
}

/** `BLUE_AJV_ONLY=1` sends every value to ajv (to compare the two, and to measure what the interpreter saves). */
const provedValid = (schema: Record<string, unknown>, value: unknown) => process.env.BLUE_AJV_ONLY !== "1" && quickVerdict(schema, value) === true;

function compiledFor(schema: Record<string, unknown>): ReturnType<Ajv2020["compile"]> | Error {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajvFor(schema).compile(schema);
    } catch (e) {
      validate = e as Error;
    }
    compiled.set(key, validate);
  }
  return validate;
}

/** The same schema object asked about many values (the witness search) is looked up once, not serialised each time. */
const compiledByObject = new WeakMap<object, ReturnType<Ajv2020["compile"]> | Error>();

/** ajv's yes or no for a value (undefined: the schema does not compile), the configuration `check` uses. */
export function ajvAccepts(schema: unknown, value: unknown): boolean | undefined {
  if (typeof schema === "boolean") return schema;
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return undefined;
  let validate = compiledByObject.get(schema);
  if (!validate) compiledByObject.set(schema, (validate = compiledFor(schema as Record<string, unknown>)));
  if (validate instanceof Error) return undefined;
  try {
    return validate(value) === true;
  } catch {
    return undefined; // a schema that recurses without end overflows ajv's stack: no verdict
  }
}

/** ajv's own verdict: the schema compiled (once per schema text), the value validated, every error kept. */
export function ajvOutcome(schema: Record<string, unknown>, value: unknown): ValidationOutcome {
  const validate = compiledFor(schema);
  if (validate instanceof Error) return { schemaError: validate.message, errors: [] };
  if (validate(value)) return { errors: [] };
  return {
    errors: (validate.errors ?? []).map((err) => ({
      instancePath: err.instancePath,
      ...(err.message === undefined ? {} : { message: err.message }),
      ...(err.params && "additionalProperty" in err.params ? { additionalProperty: String(err.params.additionalProperty) } : {}),
    })),
  };
}

export type ValidationItem = { schema: Record<string, unknown>; value: unknown };

/** Below this many schemas a worker's start-up (~50 ms: its own ajv) costs more than it saves. */
const PARALLEL_FROM = 64;

/** Every item's verdict, in order: values quickVerdict proves valid at once, the rest by ajv. */
export async function validateAll(items: readonly ValidationItem[]): Promise<ValidationOutcome[]> {
  const out: ValidationOutcome[] = new Array(items.length);
  const rest: number[] = [];
  items.forEach((i, k) => {
    if (provedValid(i.schema, i.value)) out[k] = { errors: [] };
    else rest.push(k);
  });
  const judged = await ajvAll(rest.map((k) => items[k]!));
  rest.forEach((k, n) => (out[k] = judged[n]!));
  return out;
}

/** ajv's verdict on each item, in order. Shares of a big batch go to worker threads; if one cannot start or
 *  fails, its share is done here, so the answer never depends on the threads. */
async function ajvAll(items: readonly ValidationItem[]): Promise<ValidationOutcome[]> {
  const here = (list: readonly ValidationItem[]) => list.map((i) => ajvOutcome(i.schema, i.value));
  const spare = Math.min(3, (navigator.hardwareConcurrency ?? 1) - 1);
  if (items.length < PARALLEL_FROM || spare < 1 || process.env.BLUE_VALIDATE_THREADS === "1") return here(items);
  const share = Math.ceil(items.length / (spare + 1));
  const shares = Array.from({ length: spare }, (_, k) => items.slice((k + 1) * share, (k + 2) * share)).filter((s) => s.length > 0);
  const workers = shares.map((s) => inWorker(s));
  const mine = here(items.slice(0, share)); // meanwhile, on this thread
  let failed = 0;
  const theirs = await Promise.all(
    workers.map((w, k) =>
      w.catch(() => {
        failed++;
        return here(shares[k]!);
      }),
    ),
  );
  if (process.env.BLUE_DEBUG) console.error(`debug: validated ${mine.length} here, ${items.length - mine.length} in ${shares.length} worker threads (${failed} failed)`);
  return [...mine, ...theirs.flat()];
}

/** One share, validated in a new worker thread. */
export function inWorker(items: readonly ValidationItem[]): Promise<ValidationOutcome[]> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      // In the compiled binary the worker is an embedded entry point (build.ts), named from the bundle's root.
      worker = new Worker(Bun.isStandaloneExecutable ? "./check/validate-worker.ts" : new URL("./validate-worker.ts", import.meta.url).href);
    } catch (e) {
      reject(e);
      return;
    }
    worker.onmessage = (e: MessageEvent<ValidationOutcome[]>) => {
      resolve(e.data);
      worker.terminate();
    };
    worker.onerror = (e) => {
      reject(e);
      worker.terminate();
    };
    worker.postMessage(items);
  });
}
