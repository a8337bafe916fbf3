// Contract patterns run on RE2 with their ECMA-262 meaning: explicit cases, refusals, and a seeded comparison
// with JavaScript's own RegExp (the independent judge) on patterns both can run.
import { describe, expect, test } from "bun:test";
import { compilePattern, PatternError, patternProblem } from "../../src/realm/pattern.ts";
import { rng } from "../seeded.ts";

const matches = (pattern: string, s: string) => compilePattern(pattern).test(s);

describe("compilePattern matches as JSON Schema means", () => {
  test("anchors: unanchored search unless ^ or $ says otherwise; $ is the end of the text, not of a line", () => {
    expect(matches("b", "abc")).toBe(true);
    expect(matches("^b", "abc")).toBe(false);
    expect(matches("c$", "abc")).toBe(true);
    expect(matches("^abc$", "abc\n")).toBe(false);
    expect(matches("^$", "")).toBe(true);
    expect(matches("\\bfoo\\b", "a foo b")).toBe(true);
    expect(matches("\\bfoo\\b", "afoob")).toBe(false);
  });

  test("classes, \\d, \\w and counted repeats", () => {
    expect(matches("^[a-c]+$", "abcab")).toBe(true);
    expect(matches("^[^a-c]+$", "xyz")).toBe(true);
    expect(matches("^[^a-c]+$", "xaz")).toBe(false);
    expect(matches("^\\d{3}-\\d{2,4}$", "123-4567")).toBe(true);
    expect(matches("^\\d{3}-\\d{2,4}$", "123-45678")).toBe(false);
    expect(matches("^\\d{3}-\\d{2,4}$", "١٢٣-45")).toBe(false); // \d is ASCII, as in JavaScript
    expect(matches("^\\w+$", "snake_case9")).toBe(true);
    expect(matches("^a{2,}$", "a")).toBe(false);
    expect(matches("^(?:ab|cd){2}$", "abcd")).toBe(true);
  });

  test("unicode: code points, escapes, properties, and JavaScript's . and \\s", () => {
    expect(matches("^.$", "😀")).toBe(true); // one code point, two UTF-16 units
    expect(matches("^\\u00e9$", "é")).toBe(true);
    expect(matches("^\\uD83D\\uDE00$", "😀")).toBe(true);
    expect(matches("^\\u{1F600}$", "😀")).toBe(true);
    expect(matches("^\\p{L}+$", "Ωmega")).toBe(true);
    expect(matches("^\\p{Lu}", "ωmega")).toBe(false);
    expect(matches("^\\p{Script=Greek}+$", "αβγ")).toBe(true);
    expect(matches("^a.b$", "a\u2028b")).toBe(false); // . stops at every line terminator, not only \n
    expect(matches("^a.b$", "a\rb")).toBe(false);
    expect(matches("^a\\sb$", "a\u00a0b")).toBe(true); // JavaScript's \s is Unicode whitespace
    expect(matches("^a[\\S]b$", "a\u3000b")).toBe(false);
    expect(matches("^[\\s]$", "\ufeff")).toBe(true);
  });

  test("JavaScript-only spellings: named groups, [] and [^], [ inside a class, \\b inside a class", () => {
    expect(matches("^(?<year>\\d{4})-(?<month>\\d{2})$", "2024-05")).toBe(true);
    expect(matches("a[]", "a")).toBe(false);
    expect(matches("^[^]$", "\n")).toBe(true);
    expect(matches("^[[]$", "[")).toBe(true);
    expect(matches("^[\\b]$", "\b")).toBe(true);
    expect(matches("^\\/\\.$", "/.")).toBe(true);
  });

  test("a pattern that makes a backtracking engine take minutes is answered (RE2 does not backtrack)", () => {
    expect(matches("^(a+)+$", `${"a".repeat(40)}!`)).toBe(false);
    expect(matches("^(a|aa)+$", "a".repeat(40))).toBe(true);
  });

  test("each compiled pattern names itself by flags and source (ajv keys compiled patterns by toString)", () => {
    expect(String(compilePattern("^a"))).not.toBe(String(compilePattern("^b")));
    expect(String(compilePattern("^a"))).toBe("re2:/^a/u");
  });
});

describe("what RE2 cannot run is refused, never handed to RegExp", () => {
  const refusal = (pattern: string) => {
    const e = patternProblem(pattern);
    return e && { kind: e.kind, message: e.message };
  };

  test("backreferences and lookaround, with a message that says which", () => {
    expect(refusal("^(a)\\1$")).toEqual({ kind: "unsupported", message: expect.stringContaining("a backreference (\\1) is not supported") });
    expect(refusal("(?<x>a)\\k<x>")).toEqual({ kind: "unsupported", message: expect.stringContaining("a named backreference") });
    expect(refusal("a(?=b)")).toEqual({ kind: "unsupported", message: expect.stringContaining("a lookahead (?=…)") });
    expect(refusal("a(?!b)")).toEqual({ kind: "unsupported", message: expect.stringContaining("a lookahead (?!…)") });
    expect(refusal("(?<=a)b")).toEqual({ kind: "unsupported", message: expect.stringContaining("a lookbehind (?<=…)") });
    expect(refusal("(?<!a)b")).toEqual({ kind: "unsupported", message: expect.stringContaining("a lookbehind (?<!…)") });
    expect(refusal("^(a)\\1$")!.message).toStartWith("cannot evaluate pattern '^(a)\\1$': ");
  });

  test("a valid pattern RE2 will not compile is unsupported; one JavaScript will not parse is invalid", () => {
    expect(refusal("a{1001}")).toEqual({ kind: "unsupported", message: expect.stringContaining("invalid repeat count") });
    expect(refusal("(?i:a)")?.kind).toBe("unsupported");
    expect(refusal("(")?.kind).toBe("invalid");
    expect(refusal("\\A")?.kind).toBe("invalid"); // RE2 syntax, not ECMA-262
    expect(refusal("[[:alpha:]]")?.kind).toBe("invalid");
    expect(refusal("^a$")).toBeUndefined();
  });

  test("compilePattern throws the PatternError, every time it is asked", () => {
    for (let i = 0; i < 2; i++) expect(() => compilePattern("(a)\\1")).toThrow(PatternError);
    expect(() => compilePattern("a", "g")).toThrow("only 'u'");
    expect(patternProblem("(a)\n\\1")!.message).toStartWith("cannot evaluate pattern '(a)\\u000a\\1'"); // one line
  });
});


const ATOMS = ["a", "b", "c", "é", "😀", " ", "\\.", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", ".", "[abc]", "[^a]", "[a-c]", "[^a-b😀]", "[\\s\\d]", "[^\\S]", "[.]", "\\u00e9", "\\x61", "\\n"];
const QUANTIFIERS = ["", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}", "*?", "+?", "??", "{1,2}?"];
const ALPHABET = ["a", "b", "c", "A", "1", "_", " ", "\n", "\r", "\t", "é", "😀", "\u00a0", "\u2028", "."];

/** A pattern from literals, classes, groups, alternation, quantifiers and anchors: what both engines can run. */
function genPattern(r: () => number, depth = 0): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let names = 0;
  const term = (d: number): string => {
    const k = r();
    let atom: string;
    if (k < 0.12 && d < 2) atom = `(${alternation(d + 1)})`;
    else if (k < 0.2 && d < 2) atom = `(?:${alternation(d + 1)})`;
    else if (k < 0.23 && d < 2) atom = `(?<g${names++}>${alternation(d + 1)})`;
    else if (k < 0.28) atom = pick(["^", "$", "\\b", "\\B"]);
    else atom = pick(ATOMS);
    return atom + pick(QUANTIFIERS); // a quantified anchor is invalid with the u flag: both must say so
  };
  const sequence = (d: number) => Array.from({ length: 1 + Math.floor(r() * 3) }, () => term(d)).join("");
  const alternation = (d: number): string => (r() < 0.25 ? `${sequence(d)}|${sequence(d)}` : sequence(d));
  const body = alternation(depth);
  return `${r() < 0.3 ? "^" : ""}${body}${r() < 0.3 ? "$" : ""}`;
}

describe("RE2 agrees with RegExp (u flag) where both can run a pattern", () => {
  test("on 4,000 generated patterns and strings (seeded)", () => {
    let compared = 0;
    let matched = 0;
    let invalid = 0;
    const disagreements: string[] = [];
    for (let seed = 1; seed <= 4000; seed++) {
      const r = rng(seed);
      const pattern = genPattern(r);
      const s = Array.from({ length: Math.floor(r() * 7) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join("");
      let native: RegExp | undefined;
      try {
        native = new RegExp(pattern, "u");
      } catch {}
      const problem = patternProblem(pattern);
      if (!native) {
        invalid++;
        if (problem?.kind !== "invalid") disagreements.push(`seed ${seed}: ${JSON.stringify(pattern)} is invalid for RegExp, not for blue`);
        continue;
      }
      if (problem) {
        disagreements.push(`seed ${seed}: ${JSON.stringify(pattern)} refused: ${problem.message}`);
        continue;
      }
      const want = native.test(s);
      const got = compilePattern(pattern).test(s);
      compared++;
      if (want) matched++;
      if (want !== got) disagreements.push(`seed ${seed}: ${JSON.stringify(pattern)} on ${JSON.stringify(s)}: RegExp ${want}, RE2 ${got}`);
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // The comparison means something: most cases are compared, and both verdicts are common.
    expect(compared).toBeGreaterThan(3000);
    expect(matched).toBeGreaterThan(compared * 0.2);
    expect(compared - matched).toBeGreaterThan(compared * 0.2);
    expect(invalid).toBeGreaterThan(20);
  });
});
