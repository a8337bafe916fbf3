// sync judges only the exports whose value or schema differs from the contract's (sync/run.ts judgeUpdates): an
// in-sync run does not load the compatibility engine. That is sound only if a version compared with itself asks
// for nothing, which these check over every schema the engine's own tests use and every contract of the fixtures.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { compareVersions } from "../../src/compat/index.ts";
import { loadRealm } from "../../src/realm/load.ts";
import { differentialCorpus } from "../compat/differential/corpus.ts";
import { WITNESS_CASES } from "../compat/witness-cases.ts";

const REQS = [
  { backwards: true, forwards: true },
  { backwards: true, forwards: false },
  { backwards: false, forwards: true },
];

describe("a contract version compared with itself", () => {
  test("asks for no version, whatever the schema (the engine's corpora, seeded)", () => {
    const { hand, mutated } = differentialCorpus(23);
    const schemas = [...hand, ...mutated].flatMap((c) => [c.old, c.new]).concat(WITNESS_CASES.flatMap(([, a, b]) => [a, b]));
    expect(schemas.length).toBeGreaterThan(100);
    for (const schema of schemas) {
      for (const req of REQS) {
        const cmp = compareVersions({ schema, value: { a: 1 } }, { schema: structuredClone(schema), value: { a: 1 } }, req);
        expect(cmp.bump, JSON.stringify(schema)).toBe("none");
      }
    }
  });

  test("asks for no version for each contract of the fixture realm", () => {
    const { model } = loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good"));
    const contracts = [...model!.domains.values()].flatMap((d) => [...d.contracts.values()]);
    expect(contracts.length).toBeGreaterThan(0);
    for (const c of contracts) {
      const cmp = compareVersions({ schema: c.schema, value: c.value }, { schema: structuredClone(c.schema), value: structuredClone(c.value) }, c.compatibility);
      expect(cmp.bump).toBe("none");
    }
  });
});
