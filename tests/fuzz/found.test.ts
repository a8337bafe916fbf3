// What the realm fuzz found (issue 18), each at its cause: nesting that `yaml` takes seconds to parse or throws on
// before blue's depth limit could apply, keys `yaml` turns into objects with a warning on stderr, and the loader
// reading such a file. Each test failed before its fix.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblem } from "../../src/errors.ts";
import { loadRealm } from "../../src/realm/load.ts";
import { fastParse, PLAIN_KEY } from "../../src/yaml/fast.ts";
import { nestingBreach } from "../../src/yaml/limits.ts";
import { parseYaml } from "../../src/yaml/source.ts";
import { runCase } from "./harness.ts";
import { makeWorld } from "./world.ts";

const TOO_DEEP = "nested more than 256 levels deep; blue's limit is 256";
const lines = (text: string) => parseYaml("f.yaml", text).problems.map(formatProblem);

/** The problems, and any warning a library printed meanwhile (it would reach the user's stderr). */
function read(text: string): { problems: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const emit = process.emitWarning;
  process.emitWarning = ((w: string | Error) => warnings.push(String(w))) as typeof process.emitWarning;
  try {
    return { problems: lines(text), warnings };
  } finally {
    process.emitWarning = emit;
  }
}

describe("nesting past the limit is refused before yaml parses it", () => {
  test("block sequences opened on one line (`- - - …`): one problem at file:line:col, not yaml's RangeError", () => {
    // yaml's parser ran out of stack on this: "invalid YAML: Maximum call stack size exceeded." at 1:1, or, with
    // less stack left, a RangeError thrown (an internal error).
    expect(lines(`value:\n  ${"- ".repeat(100_000)}x\n`)).toEqual([`f.yaml:2:513: value[0][0][0][0][0]…: ${TOO_DEEP}`]);
    expect(lines(`name: a\nmaintainers:\n\n  ${"- ".repeat(100_000)}x\n`)).toEqual([`f.yaml:4:513: maintainers[0][0][0][0][0]…: ${TOO_DEEP}`]);
  });

  test("flow collections at a line's start: the depth limit, not 'invalid YAML: Maximum call stack size exceeded' at 1:1", () => {
    // (yaml reads that line as a key: a list as a key is the first thing wrong with it.)
    expect(lines(`name: x\n${"[".repeat(20_000)}\n`)).toEqual(["f.yaml:2:1: a key is a mapping or a list; a key must be a string"]);
    expect(lines(`- ${"{a: ".repeat(20_000)}\n`)).toEqual([`f.yaml:1:1023: [0].a.a.a.a.a…: ${TOO_DEEP}`]);
  });

  test("two million open brackets are refused in well under the issue's 2 s (yaml took ~8 s), at the same place as before", () => {
    const text = `name: x\nvalue: ${"[".repeat(2_000_000)}\n`;
    const started = performance.now();
    const problems = lines(text);
    // Generous: the scan takes milliseconds; the bound is the issue's.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(problems).toEqual([`f.yaml:2:263: value[0][0][0][0][0]…: ${TOO_DEEP}`]);
  });

  test("the scan counts only what yaml would nest: 256 levels, and brackets in quotes, comments and block scalars, are read", () => {
    expect(lines(`value: ${"[".repeat(255)}${"]".repeat(255)}\n`)).toEqual([]);
    expect(lines(`value: ${"[".repeat(256)}${"]".repeat(256)}\n`)).toEqual([`f.yaml:1:263: value[0][0][0][0][0]…: ${TOO_DEEP}`]);
    const text = [
      `a: "${"[".repeat(5000)}"`,
      `b: '${"{".repeat(5000)}'`,
      `c: 1 # ${"[".repeat(5000)}`,
      `d: x${"[".repeat(5000)}`,
      `e: |`,
      `  ${"[".repeat(5000)}`,
      `f: [${'"]]]"'}, '[[[', {k: "{{{"}]`,
      `g: ${"- ".repeat(100)}x`,
    ].join("\n");
    expect(nestingBreach(text)).toBeUndefined();
    expect(lines(text).filter((l) => l.includes("nested"))).toEqual([]);
  });

  test("a quoted scalar ends where yaml ends it: at a line not indented under its key (seed 7, case 3989: 2.1 s)", () => {
    const text = `name: x\njoined_at: "${"[".repeat(100)}\n${"[".repeat(1_000_000)}"\n`;
    const started = performance.now();
    const problems = lines(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(problems).toEqual([`f.yaml:3:257: ${TOO_DEEP}`]);
    // Indented under it, the line is the scalar's text.
    expect(lines(`name: x\njoined_at: "a\n  ${"[".repeat(1000)}"\n`)).toEqual([]);
  });

  test("a quote inside a plain scalar does not hide the brackets after it", () => {
    expect(lines(`a: it's [x]\nvalue: ${"[".repeat(300)}\n`)).toEqual([`f.yaml:2:263: value[0][0][0][0][0]…: ${TOO_DEEP}`]);
  });
});

describe("the fast path's scan of a line", () => {
  test("a run of 200,000 spaces in a line is read in well under the issue's 2 s (the key's pattern took 20 s)", () => {
    const text = `name: x\nb${" ".repeat(200_000)}c\n`;
    const started = performance.now();
    expect(fastParse(text)).toBeUndefined();
    expect(lines(text)[0]).toStartWith("f.yaml:2:1: invalid YAML: ");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("keys are matched as before: the shortest one that a ': ' ends", () => {
    const key = (line: string) => PLAIN_KEY.exec(line)?.[1];
    expect(["a:", "a: 1", "a b : 1", "c: { d: x }", "key:value: 1", "-a: 1", "a   b   :  x", "x y"].map(key)).toEqual(["a", "a", "a b", "c", "key:value", "-a", "a   b", undefined]);
  });
});

describe("keys yaml would turn into objects", () => {
  test("a mapping or list as a key is a problem at its line:col, with no warning on stderr", () => {
    expect(read("a: 1\n? {pointer: /m}\n: x\n")).toEqual({ problems: ["f.yaml:2:3: a key is a mapping or a list; a key must be a string"], warnings: [] });
    expect(read("a: 1\n[x]: y\n").problems).toEqual(["f.yaml:2:1: a key is a mapping or a list; a key must be a string"]);
  });

  test("YAML 1.1's !!binary, !!set, !!omap and !!timestamp are left unresolved: no bytes as a key, no warning on stderr", () => {
    // `!!binary` made a key of bytes, which yaml stringified with "(node) Warning: Keys with collection values…".
    expect(read("a: 1\n!!binary aGVsbG8=: x\n")).toEqual({ problems: ["f.yaml:2:1: invalid YAML: Unresolved tag: tag:yaml.org,2002:binary"], warnings: [] });
    for (const tag of ["!!set {x, y}", "!!omap [x: 1]", "!!timestamp 2026-01-01"]) expect(read(`a: ${tag}\n`).problems[0]).toContain("Unresolved tag");
  });
});

describe("the loader", () => {
  test("a contract whose value opens 100,000 block sequences on a line: one problem at file:line:col, not 1:1", () => {
    const world = makeWorld(mkdtempSync(join(tmpdir(), "blue-found-")));
    const contract = "domains/s3-access/contracts/training-metrics.yaml";
    writeFileSync(join(world.realm, contract), `name: training-metrics\nversion: 2.0.1\nowner: aperture\nschema: {}\nvalue:\n\n  ${"- ".repeat(100_000)}x\n`);
    const { problems } = loadRealm(world.realm);
    expect(problems.filter((p) => p.severity === "error").map(formatProblem)).toEqual([`${contract}:7:513: value[0][0][0][0][0]…: ${TOO_DEEP}`]);
  });
});

describe("the fuzz's own cases that found them (seed 18), replayed", () => {
  test("cases 203 and 469 (`- - - …` in a contract and a repo file; a RangeError thrown or 'Maximum call stack' at 1:1, by the stack left), 4154 (a `!!binary` key) and 223 (200,000 spaces in a line: 15 s)", async () => {
    const world = makeWorld(mkdtempSync(join(tmpdir(), "blue-found-")));
    const saved = process.env.BLUE_HOME;
    process.env.BLUE_HOME = world.home;
    try {
      for (const index of [203, 469, 4154, 223]) expect({ index, failures: (await runCase(world, 18, index)).failures }).toEqual({ index, failures: [] });
    } finally {
      if (saved === undefined) delete process.env.BLUE_HOME;
      else process.env.BLUE_HOME = saved;
    }
  });
});

describe("the fuzz can fail", () => {
  test("with the sentinel approved on this machine, a case that loads runs it, and the case fails saying so", async () => {
    const world = makeWorld(mkdtempSync(join(tmpdir(), "blue-found-")));
    const approved_at = "2026-01-26T00:00:00Z";
    const sentinel = { file: "domains/s3-access/contracts/s3-permissions.yaml", field: "validation.importer", argv: ["bin/sentinel.sh"], approved_at };
    writeFileSync(join(world.home, "trust.json"), JSON.stringify({ realms: { letemcook: { commands: [sentinel], forge_hosts: [] } } }));
    const saved = process.env.BLUE_HOME;
    process.env.BLUE_HOME = world.home;
    try {
      const loaded = [];
      for (let index = 0; loaded.length < 3; index++) {
        const c = await runCase(world, 18, index);
        if (c.outcome.startsWith("load:ok")) loaded.push(c);
      }
      for (const c of loaded) expect(c.failures.join("\n")).toContain("a command nobody consented to ran: ");
    } finally {
      if (saved === undefined) delete process.env.BLUE_HOME;
      else process.env.BLUE_HOME = saved;
    }
  });
});
