// The differential corpus as data: the hand-written pairs and the seeded mutations of their schemas. The test
// (differential.test.ts) judges it; the benchmark (bench/compat.ts) times the engine and json-schema-diff on it.

import { rng } from "../../seeded.ts";
import type { Case } from "./case.ts";
import { DRAFT7_CASES } from "./corpus-draft7.ts";
import { INTERACTION_CASES } from "./corpus-interactions.ts";
import { KEYWORD_CASES } from "./corpus-keywords.ts";
import { WITNESS_CASES } from "./corpus-witnesses.ts";
import { mutatedCases, tweakedCases } from "./mutate.ts";

export function differentialCorpus(seed: number): { hand: Case[]; mutated: Case[] } {
  const hand = [...WITNESS_CASES, ...KEYWORD_CASES, ...DRAFT7_CASES, ...INTERACTION_CASES];
  const bases = hand.flatMap((c) => [c.old, c.new]);
  return { hand, mutated: [...mutatedCases(bases, 200, rng(seed)), ...tweakedCases(bases, 300, rng(seed + 1))] };
}
