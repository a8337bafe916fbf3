// The fast YAML path must never disagree with `yaml`: when it answers, `yaml` reads the same data without a
// problem; where the two parsers differ (duplicate keys, merge keys, several documents…) it must step aside.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { fastParse } from "../../src/yaml/fast.ts";

function exact(text: string): { ok: boolean; data?: unknown } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length || doc.warnings.length) return { ok: false };
  return { ok: true, data: doc.toJS() };
}

function agrees(text: string): void {
  const fast = fastParse(text);
  if (fast === undefined) return;
  const slow = exact(text);
  expect({ text, ok: slow.ok }).toEqual({ text, ok: true });
  expect(fast as object).toEqual(slow.data as object);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}

describe("fast YAML path", () => {
  test("takes the plain files blue and people write, and reads them as yaml does", () => {
    const files = yamlFiles(join(import.meta.dir, "../fixtures/realms"));
    expect(files.length).toBeGreaterThan(10);
    let taken = 0;
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      agrees(text);
      if (fastParse(text) !== undefined) taken++;
    }
    // Most fixture files are plain; the bad ones (duplicate keys, broken syntax) must not be taken.
    expect(taken).toBeGreaterThan(files.length / 2);
  });

  const refused: Record<string, string> = {
    "a duplicate key": "a: 1\nb: 2\na: 3\n",
    "a duplicate key in a nested mapping": "x:\n  a: 1\n  a: 2\n",
    "a duplicate key in a sequence entry": "- a: 1\n  a: 2\n",
    "a duplicate quoted key": "a: 1\n\"a\": 2\n",
    "a duplicate key in a flow mapping": "x: { a: 1, b: { c: 1 }, a: 2 }\n",
    "a merge key": "a: &x { k: 1 }\nb: { <<: *x }\n",
    "an alias": "a: &x 1\nb: *x\n",
    "a tag": "a: !!str 1\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "a complex key": "? [a]\n: 1\n",
    "an unterminated flow": "a: [1, 2\n",
    "a multi-line plain scalar": "a: one\n  two\n",
    "a one-line nested mapping": "a: b: c\n",
    "a tab": "a:\n\tb: 1\n",
    "a document that is a scalar": "just text\n",
    "keys without values in a flow mapping": "a: {x, y}\n",
    "a plain scalar that starts with a comma": "a: ,b\n",
    "a null key (yaml makes it \"\", Bun \"null\")": "~: 1\n",
    "a null key in a flow mapping": "a: { null: 1 }\n",
    "keys equal as numbers": "1: a\n01: b\n",
    "an empty key in a sequence entry": "- :\n",
    "an empty key in a flow mapping": "a: { : 1 }\n",
    "a dash key before a flow sequence": "-: [a: b]\n",
  };
  for (const [what, text] of Object.entries(refused)) {
    test(`steps aside for ${what}`, () => {
      expect(fastParse(text)).toBeUndefined();
    });
  }

  const taken: Record<string, string> = {
    "nested mappings and sequences": "a:\n  b:\n    - x\n    - y: 1\n      z: [1, 2]\n  c: { d: 'it''s', e: \"q\\\"\" }\nf: ~\n",
    "sequences at the key's own indent": "members:\n- a\n- b\nother: 1\n",
    "block scalars": "a: |\n  line one\n  line two: not a key\nb: >-\n  folded\nc:\n  - |\n    in a list\n  - d\n",
    "comments everywhere": "# head\na: 1 # one\nb: 'x # not a comment'\n# tail\n",
    "the same key in sibling mappings": "x:\n  - a: 1\n  - a: 2\ny:\n  a: 1\nz:\n  a: 1\n",
    "ranges and versions": "version: \"1.4.0\"\nrange: \">=1.0.0, <2.0.0\"\nwhen: 2026-01-24T10:00:00Z\n",
  };
  for (const [what, text] of Object.entries(taken)) {
    test(`takes ${what}, as yaml reads them`, () => {
      expect(fastParse(text)).toBeDefined();
      agrees(text);
    });
  }

  test("agrees with yaml on every generated text it takes (seeded: a failure names its text)", () => {
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    // Pieces of keys, scalars and flow collections, the awkward ones included: quotes, escapes, comments,
    // indicators, a non-breaking space, a carriage return.
    const atoms = ["a", "b", "p1", "1", "01", "~", "null", "true", "True", '"q"', "'r'", "'it''s'", '"x\\"y"', "1", "-1", "~", "true", "x y", "a#b", "&x", "*y", "!t", "?z", "%p", "|", ">-", "<<", ":", "a:b", "-", "#c", " #c", "{", "}", "[", "]", ",", ": ", " ", "\u00a0", "é", "'", '"', "---", "\r"];
    const flow = () => Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(atoms) + pick(["", " ", ", ", ": ", ","])).join("");
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => {
        const indent = " ".repeat(Math.floor(rnd() * 4) * 2);
        const kind = rnd();
        if (kind < 0.3) return `${indent}${pick(atoms)}: ${flow()}`;
        if (kind < 0.5) return `${indent}${pick(atoms)}: { ${flow()} }${pick(["", " # c", " x"])}`;
        if (kind < 0.6) return `${indent}${pick(atoms)}: [${flow()}]`;
        if (kind < 0.75) return `${indent}- ${flow()}`;
        if (kind < 0.85) return `${indent}${pick(atoms)}:`;
        return `${indent}${flow()}`;
      });
      const text = lines.join(pick(["\n", "\n", "\r\n"]));
      if (fastParse(text) === undefined) continue;
      taken++;
      agrees(text);
    }
    // The generator must reach the fast path often enough to mean something.
    expect(taken).toBeGreaterThan(300);
  });

  test("takes the common cases", () => {
    expect(fastParse("a:\n  b: [1, 2]\n  c: { d: x }\n")).toEqual({ a: { b: [1, 2], c: { d: "x" } } });
    expect(fastParse("members:\n- a\n- b\nother: 1\n")).toEqual({ members: ["a", "b"], other: 1 });
  });
});

describe("fast positions", () => {
  const { fastLocate } = require("../../src/yaml/locate.ts") as typeof import("../../src/yaml/locate.ts");
  const { locate, parseYaml } = require("../../src/yaml/source.ts") as typeof import("../../src/yaml/source.ts");

  /** Every path in the data, plus a missing child of each (located at its nearest ancestor). */
  function paths(data: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    const out = [prefix, [...prefix, "missing"]];
    if (Array.isArray(data)) data.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
    else if (data && typeof data === "object") for (const [k, v] of Object.entries(data)) out.push(...paths(v, [...prefix, k]));
    return out;
  }

  test("agree with yaml's positions for every node of the fixture realms and a generated contract", async () => {
    const { contractText } = await import("../../bench/generate-realm.ts");
    const texts = [
      ...yamlFiles(join(import.meta.dir, "../fixtures/realms")).map((f) => readFileSync(f, "utf8")),
      contractText("c", "o", 12, 3, 2, 7),
      "a:\n  - x\n  - - y\n    - z\n  - k: 1\n    l: { m: [1, { n: 'o' }], p: \"q\" }\nb: |\n  text\nc: 1 # note\n",
      "members:\n- a\n- b\nother:\n  deep: true\n",
    ];
    let compared = 0;
    for (const text of texts) {
      if (fastParse(text) === undefined) continue;
      const source = parseYaml("f.yaml", text).source;
      for (const p of paths(fastParse(text))) {
        const fast = fastLocate(text, p);
        if (fast === undefined) continue;
        expect({ p, at: fast }).toEqual({ p, at: locate(source, p) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});
