// The witness shown under a breaking finding, as `check`'s report and `sync`'s plan carry it: its shape alone, so that
// a plan holds it without loading the search (check/witness.ts: the engine's witness module and ajv).
import { z } from "zod";

export const Witness = z.union([
  z.object({ found: z.literal(true), value: z.unknown(), valid_under: z.string(), rejected_by: z.string() }),
  z.object({ found: z.literal(false), reason: z.string() }),
]);
export type Witness = z.infer<typeof Witness>;
