// One schema pair of the differential corpus and what is known about it by hand or by construction.
// "c": the direction is compatible (the label is the truth: no generated value may contradict it);
// "x": the direction breaks (a witness must be found, or one is given); "?": only the judge knows.

export type Label = "c" | "x" | "?";
export type Witnesses = { backwards?: unknown; forwards?: unknown };
export type Case = { name: string; old: unknown; new: unknown; backwards: Label; forwards: Label; witness?: Witnesses };

export const D7 = "http://json-schema.org/draft-07/schema#";
export const D2020 = "https://json-schema.org/draft/2020-12/schema";

/** The same schema declared as draft-07 (ajv's draft-07 validator judges it). */
export const d7 = (s: Record<string, unknown>) => ({ $schema: D7, ...s });

export function pair(name: string, old: unknown, neu: unknown, backwards: Label, forwards: Label, witness?: Witnesses): Case {
  return { name, old, new: neu, backwards, forwards, ...(witness ? { witness } : {}) };
}

/** Two spellings of the same set of values: compatible both ways. */
export const same = (name: string, a: unknown, b: unknown): Case => pair(name, a, b, "c", "c");

/** `neu` only rejects more (N ⊆ O): backwards compatible, and forwards breaks. */
export const narrows = (name: string, old: unknown, neu: unknown, w?: unknown): Case => pair(name, old, neu, "c", "x", w === undefined ? undefined : { forwards: w });

/** `neu` only accepts more (O ⊆ N): forwards compatible, and backwards breaks. */
export const widens = (name: string, old: unknown, neu: unknown, w?: unknown): Case => pair(name, old, neu, "x", "c", w === undefined ? undefined : { backwards: w });

/** Each side accepts something the other rejects. */
export const changes = (name: string, old: unknown, neu: unknown, w?: Witnesses): Case => pair(name, old, neu, "x", "x", w);
