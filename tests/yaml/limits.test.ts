// A realm's files are untrusted: past blue's limits a file is one problem at file:line:col, on the fast path and
// the exact one alike, never a crash, a hang or yaml's own exception.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, formatProblem } from "../../src/errors.ts";
import { fastParse } from "../../src/yaml/fast.ts";
import { fileTooLarge, jsonBreach, YAML_LIMITS } from "../../src/yaml/limits.ts";
import { parseData, parseYaml, readText } from "../../src/yaml/source.ts";

const lines = (text: string) => parseYaml("f.yaml", text).problems.map(formatProblem);

/** The billion laughs: nine anchors, each a list of nine aliases of the one before. */
function aliasBomb(levels = 9): string {
  const names = "abcdefghi".slice(0, levels).split("");
  let text = "name: x\nvalue:\n  a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (let i = 1; i < names.length; i++) text += `  ${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(", ")}]\n`;
  return text;
}

/** `n` flow sequences in one another, under a key. */
const flowDeep = (n: number) => `value: ${"[".repeat(n)}${"]".repeat(n)}\n`;

/** `n` block mappings in one another (the top one included). */
function blockDeep(n: number): string {
  let text = "";
  for (let i = 0; i < n - 1; i++) text += `${" ".repeat(i)}k:\n`;
  return `${text}${" ".repeat(n - 1)}k: leaf\n`;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

describe("alias bombs", () => {
  test("the billion laughs is one problem at the alias that crosses the limit, not yaml's exception", () => {
    expect(lines(aliasBomb())).toEqual([
      "f.yaml:7:10: value.e[0]: aliases expand the file by more than 10000 nodes here (an alias bomb?); blue's limit is 10000",
    ]);
  });

  test("parseData (extracted values, history, sync branches) refuses it with the same line", () => {
    const e = thrown(() => parseData("config/values.yaml", aliasBomb()));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toStartWith("config/values.yaml:7:10: value.e[0]: aliases expand the file");
  });

  test("a few levels of it, and many aliases of one small node, are read (yaml's maxAliasCount of 100 refuses the latter)", () => {
    expect(lines(aliasBomb(4))).toEqual([]);
    const many = `anchor: &s shared\nlist: [${Array(500).fill("*s").join(", ")}]\n`;
    expect(lines(many)).toEqual([]);
    expect((parseData("f.yaml", many) as { list: string[] }).list).toHaveLength(500);
  });

  test("an alias inside the node it names (a cycle), or before any anchor of its name, is a problem", () => {
    expect(lines("a: &x [1, *x]\n")).toEqual(["f.yaml:1:11: a[1]: alias *x refers to a node that holds it (a cycle)"]);
    expect(lines("a: *nope\nb: &nope 1\n")).toEqual(["f.yaml:1:4: a: alias *nope refers to no anchor before it"]);
  });

  test("an alias names the anchor last set before it, as yaml reads it", () => {
    const text = "a: &x [1, 2]\nb: &x 3\nc: *x\n";
    expect(lines(text)).toEqual([]);
    expect(parseData("f.yaml", text)).toEqual({ a: [1, 2], b: 3, c: 3 });
  });
});

describe("nesting", () => {
  test("10,000 nested flow sequences: one problem at the first level past the limit", () => {
    // The top mapping is level 1, so the 256th '[' (column 8 + 255) is level 257.
    expect(lines(flowDeep(10_000))).toEqual([`f.yaml:1:263: value[0][0][0][0][0]…: nested more than 256 levels deep; blue's limit is 256`]);
    expect(fastParse(flowDeep(10_000))).toBeUndefined();
  });

  test("nesting by indentation is measured the same way", () => {
    expect(lines(blockDeep(YAML_LIMITS.depth))).toEqual([]);
    expect(lines(blockDeep(YAML_LIMITS.depth + 1))).toEqual([`f.yaml:257:257: k.k.k.k.k.k…: nested more than 256 levels deep; blue's limit is 256`]);
  });

  test("up to the limit is read, by the fast path when the text is shallow enough for its scan", () => {
    expect(lines(flowDeep(YAML_LIMITS.depth - 1))).toEqual([]);
    expect(lines(flowDeep(YAML_LIMITS.depth))).toHaveLength(1);
    expect(fastParse(flowDeep(YAML_LIMITS.depth))).toBeUndefined();
    expect(fastParse(flowDeep(YAML_LIMITS.depth - 4))).toBeDefined();
    expect(fastParse(blockDeep(YAML_LIMITS.depth + 1))).toBeUndefined();
    expect(fastParse(blockDeep(100))).toBeDefined();
  });

  test("the tightest block nesting (a sequence at its key's column) is measured right on both paths", () => {
    const depth = (v: unknown): number => (v && typeof v === "object" ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
    let takenNearLimit = 0;
    for (let n = 120; n < 136; n++) {
      let text = "k:\n";
      for (let i = 1; i <= n; i++) text += `${" ".repeat(2 * (i - 1))}- k:${i === n ? " leaf" : ""}\n`;
      const levels = 2 * n + 1;
      const fast = fastParse(text);
      if (fast !== undefined) {
        expect(depth(fast)).toBe(levels);
        expect(levels).toBeLessThanOrEqual(YAML_LIMITS.depth);
        if (levels > YAML_LIMITS.depth - 8) takenNearLimit++;
      }
      expect(lines(text).length).toBe(levels > YAML_LIMITS.depth ? 1 : 0);
    }
    expect(takenNearLimit).toBeGreaterThan(0);
  });

  test("the fast path never takes a text deeper than the limit, whatever mixes block and flow nesting", () => {
    const depth = (v: unknown): number => (v && typeof v === "object" ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
    let seed = 11;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 300; i++) {
      let text = "";
      let indent = 0;
      const levels = 100 + Math.floor(rnd() * 120);
      for (let l = 0; l < levels; l++) {
        const kind = rnd();
        if (kind < 0.4) text += `${" ".repeat(indent)}k${l}:\n`;
        else if (kind < 0.7) text += `${" ".repeat(indent)}-\n`;
        else text += `${" ".repeat(indent)}- k${l}:\n`;
        indent += kind < 0.4 ? 1 : 2;
      }
      const flow = Math.floor(rnd() * 200);
      text += `${" ".repeat(indent)}leaf: ${"[".repeat(flow)}1${"]".repeat(flow)}\n`;
      const fast = fastParse(text);
      if (fast !== undefined) expect(depth(fast)).toBeLessThanOrEqual(YAML_LIMITS.depth);
    }
  });
});

describe("large strings and files", () => {
  const big = "x".repeat(YAML_LIMITS.stringChars + 1);

  test("a string past the limit is a problem at its position, whichever way it is written", () => {
    expect(lines(`a: ok\nb: ${big}\n`)).toEqual([`f.yaml:2:4: b: a string of 1048577 characters; blue's limit is 1048576`]);
    expect(lines(`a: "${big}"\n`)).toEqual([`f.yaml:1:4: a: a string of 1048577 characters; blue's limit is 1048576`]);
    const block = `a: |\n${`  ${"y".repeat(1023)}\n`.repeat(1025)}`;
    expect(lines(block)).toEqual([`f.yaml:1:4: a: a string of 1049600 characters; blue's limit is 1048576`]);
    expect(fastParse(block)).toBeUndefined();
    expect(lines(`${big}: 1\n`)).toEqual([`f.yaml:1:1: a string of 1048577 characters; blue's limit is 1048576`]);
  });

  test("a string at the limit is read; the fast path takes one whose line is within it", () => {
    expect(lines(`a: ${"x".repeat(YAML_LIMITS.stringChars)}\n`)).toEqual([]);
    const text = `a: ${"x".repeat(YAML_LIMITS.stringChars - 3)}\n`;
    expect((fastParse(text) as { a: string }).a).toHaveLength(YAML_LIMITS.stringChars - 3);
  });

  test("a large file of ordinary entries is read (100 MB contract files are), a larger one than the limit is not", () => {
    expect(fileTooLarge(100 * 1000 * 1000)).toBeUndefined();
    expect(fileTooLarge(YAML_LIMITS.fileBytes)).toBeUndefined();
    expect(fileTooLarge(YAML_LIMITS.fileBytes + 1)).toBe("the file is 128.0 MiB; blue's limit is 128 MiB");
    const entries = `value:\n${"  - { path: jobs/x/masks, mode: read }\n".repeat(200_000)}`;
    expect(fastParse(entries)).toBeDefined();
  });

  test("readText refuses a file over the limit before reading it, and anything that is not a regular file", () => {
    const dir = mkdtempSync(join(tmpdir(), "blue-limits-"));
    const huge = join(dir, "huge.yaml");
    writeFileSync(huge, "");
    truncateSync(huge, YAML_LIMITS.fileBytes + 1024 * 1024); // sparse: nothing is written
    expect(readText(huge, "domains/d/contracts/huge.yaml")).toEqual({
      problem: { file: "domains/d/contracts/huge.yaml", line: 1, col: 1, field: "", message: "the file is 129 MiB; blue's limit is 128 MiB", severity: "error" },
    });
    mkdirSync(join(dir, "dir.yaml"));
    expect(readText(join(dir, "dir.yaml"), "dir.yaml")).toMatchObject({ problem: { message: "not a regular file" } });
    writeFileSync(join(dir, "ok.yaml"), "a: 1\n");
    expect(readText(join(dir, "ok.yaml"), "ok.yaml")).toEqual({ text: "a: 1\n" });
  });
});

describe("JSON files (extracted values, schema files)", () => {
  test("nesting and long strings are found by a scan before JSON.parse, at line:col", () => {
    const deep = `{\n  "a": ${"[".repeat(10_000)}${"]".repeat(10_000)}\n}`;
    expect(jsonBreach(deep)).toEqual({ offset: 9 + 255, message: "nested more than 256 levels deep; blue's limit is 256" });
    expect((thrown(() => parseData("config/s3.json", deep)) as Error).message).toBe("config/s3.json:2:263: nested more than 256 levels deep; blue's limit is 256");
    const long = `{"a": "${"x".repeat(YAML_LIMITS.stringChars + 1)}"}`;
    expect((thrown(() => parseData("config/s3.json", long)) as Error).message).toBe("config/s3.json:1:7: a string of 1048577 characters; blue's limit is 1048576");
  });

  test("brackets and escaped quotes inside strings are not nesting", () => {
    const text = JSON.stringify({ a: "[".repeat(1000), b: 'say \\"[[[[\\"', c: [[[1]]] });
    expect(jsonBreach(text)).toBeUndefined();
    expect(parseData("x.json", text)).toEqual(JSON.parse(text));
  });
});
