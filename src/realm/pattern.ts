// Contract patterns (`pattern`, the keys of `patternProperties`) come from other teams, so they are untrusted:
// a backtracking engine takes exponential time on `^(a+)+$` against "aaa…a!". blue matches every one with RE2
// (re2js), whose time is linear in the input. A pattern keeps its ECMA-262 meaning, as JSON Schema specifies and
// ajv compiles it with the `u` flag: the text is checked by JavaScript's parser (compiling never runs a match),
// then rewritten into RE2's syntax where the two read the same text differently (`.`, `\s`, `\uXXXX`, a `[`
// inside a class). What RE2 cannot run at all, backreferences and lookaround, is refused, never handed to
// RegExp: PatternError says which.
import type { RE2JS } from "re2js";

/** re2js is loaded on the first compile (~5-13 ms): a check whose verdicts are all cached never needs it. */
let engine: typeof RE2JS | undefined;
const re2 = (): typeof RE2JS => (engine ??= (require("re2js") as typeof import("re2js")).RE2JS);

/** A compiled pattern. `toString` names it uniquely by flags and source: ajv keys its compiled patterns by it. */
export type Pattern = { readonly source: string; readonly flags: string; test(s: string): boolean; toString(): string };

export class PatternError extends Error {
  constructor(
    readonly pattern: string,
    /** invalid: not an ECMA-262 regular expression; unsupported: one RE2 cannot run. */
    readonly kind: "invalid" | "unsupported",
    readonly reason: string,
  ) {
    super(kind === "invalid" ? `pattern ${shown(pattern)} is not a valid regular expression: ${reason}` : `cannot evaluate pattern ${shown(pattern)}: ${reason}`);
    this.name = "PatternError";
  }
}

/** The pattern as its author wrote it, on one line: control characters escaped, a long one cut short. */
function shown(pattern: string): string {
  const text = pattern.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `'${text.length > 120 ? `${text.slice(0, 117)}...` : text}'`;
}

/** Compiled patterns by source. Bounded: `blue mcp` lives long and may meet many realms' patterns. */
const compiled = new Map<string, Pattern | PatternError>();
const KEEP = 4096;

/** The pattern compiled for RE2, once per source; throws a PatternError. `u` is the only flag: JSON Schema's
 *  patterns are Unicode (code points, strict escapes), which is how RE2 always reads a pattern. */
export function compilePattern(source: string, flags = "u"): Pattern {
  if (flags !== "u") throw new PatternError(source, "unsupported", `flags '${flags}': only 'u' (JSON Schema's) is supported`);
  let p = compiled.get(source);
  if (!p) {
    p = compile(source);
    if (compiled.size >= KEEP) compiled.clear();
    compiled.set(source, p);
  }
  if (p instanceof PatternError) throw p;
  return p;
}

/** Why the pattern cannot be used (undefined: it can). */
export function patternProblem(source: string): PatternError | undefined {
  try {
    compilePattern(source);
    return undefined;
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
}

function compile(source: string): Pattern | PatternError {
  try {
    new RegExp(source, "u"); // parsed only: JavaScript's verdict on the syntax, no match is run
  } catch (e) {
    return new PatternError(source, "invalid", (e as Error).message.replace(/^Invalid regular expression: /, ""));
  }
  let re: RE2JS;
  try {
    re = re2().compile(toRe2(source));
  } catch (e) {
    if (e instanceof PatternError) return e;
    return new PatternError(source, "unsupported", `RE2 cannot compile it (${(e as Error).message.replace(/^error parsing regexp: /, "")})`);
  }
  const name = `re2:/${source}/u`;
  return { source, flags: "u", test: (s: string) => re.test(s), toString: () => name };
}

// JavaScript's \s: WhiteSpace and LineTerminator (ECMA-262 §22.2.2.9); RE2's \s is ASCII only.
const SPACE: readonly [number, number][] = [[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];
const MAX = 0x10ffff;
const hex = (cp: number) => `\\x{${cp.toString(16)}}`;
const ranges = (rs: readonly [number, number][]) => rs.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join("");
function complement(rs: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of rs) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}
const SPACE_ITEMS = ranges(SPACE);
const NOT_SPACE_ITEMS = ranges(complement(SPACE));
/** JavaScript's `.` without the s flag: anything but a line terminator (RE2's excludes only \n). */
const DOT = "[^\\n\\r\\x{2028}\\x{2029}]";
const ANY = `\\x{0}-${hex(MAX)}`;
/** Character escapes, each written for RE2 as \x{…}. */
const CONTROL: Record<string, number> = { f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, "0": 0 };
/** Class escapes that mean the same in both (ASCII digits and word characters), in a class or out of one. */
const SAME_CLASS_ESCAPES = new Set(["d", "D", "w", "W"]);
/** ASCII that stands for itself in RE2 outside a class (every syntax character a valid u-mode pattern can hold). */
const PLAIN = /^[\x20-\x7e]$/;

/** The pattern in RE2's syntax, read as JavaScript reads it with the u flag (the caller has checked it parses). */
export function toRe2(source: string): string {
  const cs = Array.from(source); // code points, as the u flag reads them
  let i = 0;
  let out = "";
  const unsupported = (what: string, why = "blue matches patterns with RE2, in linear time, which has no backreferences or lookaround") =>
    new PatternError(source, "unsupported", `${what} is not supported (${why})`);

  /** The escape at cs[i] (a backslash); inside a class, \b is a backspace and \s, \S become lists of ranges. */
  const escape = (inClass: boolean): string => {
    const c = cs[i + 1]!;
    i += 2;
    if (SAME_CLASS_ESCAPES.has(c)) return `\\${c}`;
    if (c === "b") return inClass ? hex(8) : "\\b";
    if (c === "B") return "\\B";
    if (c === "s") return inClass ? SPACE_ITEMS : `[${SPACE_ITEMS}]`;
    if (c === "S") return inClass ? NOT_SPACE_ITEMS : `[${NOT_SPACE_ITEMS}]`;
    if (c in CONTROL) return hex(CONTROL[c]!);
    if (c === "c") return hex(cs[i++]!.codePointAt(0)! % 32);
    if (c === "x") {
      const h = cs.slice(i, i + 2).join("");
      i += 2;
      return hex(parseInt(h, 16));
    }
    if (c === "u") return hex(unicodeEscape());
    if (c === "p" || c === "P") {
      const end = cs.indexOf("}", i);
      const name = cs.slice(i + 1, end).join("").replace(/^(Script|sc|General_Category|gc)=/, "");
      i = end + 1;
      return `\\${c}{${name}}`;
    }
    if (/[1-9]/.test(c)) throw unsupported(`a backreference (\\${c})`);
    if (c === "k") throw unsupported("a named backreference (\\k<…>)");
    return `\\${c}`; // a syntax character, '/' or '-': RE2 reads an escaped punctuation character as itself
  };

  /** \uXXXX (a surrogate pair of them is one code point) or \u{X…}, i just past the 'u'. */
  const unicodeEscape = (): number => {
    if (cs[i] === "{") {
      const end = cs.indexOf("}", i);
      const cp = parseInt(cs.slice(i + 1, end).join(""), 16);
      i = end + 1;
      return cp;
    }
    const hi = parseInt(cs.slice(i, i + 4).join(""), 16);
    i += 4;
    if (hi >= 0xd800 && hi <= 0xdbff && cs[i] === "\\" && cs[i + 1] === "u" && /^[0-9a-fA-F]{4}$/.test(cs.slice(i + 2, i + 6).join(""))) {
      const lo = parseInt(cs.slice(i + 2, i + 6).join(""), 16);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        i += 6;
        return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
      }
    }
    return hi;
  };

  const klass = (): string => {
    i++; // [
    let negated = false;
    if (cs[i] === "^") {
      negated = true;
      i++;
    }
    // JavaScript's [] matches nothing and [^] anything; RE2 has no empty class.
    if (cs[i] === "]") {
      i++;
      return negated ? `[${ANY}]` : `[^${ANY}]`;
    }
    let body = "";
    while (i < cs.length && cs[i] !== "]") {
      const c = cs[i]!;
      if (c === "\\") body += escape(true);
      else {
        // `[` would open a POSIX class ([:alpha:]) in RE2, `^` is escaped for clarity; '-' keeps its meaning.
        body += c === "[" || c === "^" ? `\\${c}` : PLAIN.test(c) ? c : hex(c.codePointAt(0)!);
        i++;
      }
    }
    i++; // ]
    return `[${negated ? "^" : ""}${body}]`;
  };

  const group = (): string => {
    if (cs[i + 1] !== "?") {
      i++;
      return "(";
    }
    const next = cs[i + 2];
    if (next === ":") {
      i += 3;
      return "(?:";
    }
    if (next === "=" || next === "!") throw unsupported(`a lookahead (?${next}…)`);
    if (next === "<" && (cs[i + 3] === "=" || cs[i + 3] === "!")) throw unsupported(`a lookbehind (?<${cs[i + 3]}…)`);
    if (next === "<") {
      // A named group: test() needs no captures, so it becomes a plain group (RE2 spells names differently).
      i = cs.indexOf(">", i) + 1;
      return "(?:";
    }
    throw unsupported(`a group modifier (?${next}…)`, "blue does not carry inline flags over to RE2");
  };

  while (i < cs.length) {
    const c = cs[i]!;
    if (c === "\\") out += escape(false);
    else if (c === "[") out += klass();
    else if (c === "(") out += group();
    else if (c === ".") {
      out += DOT;
      i++;
    } else {
      out += PLAIN.test(c) ? c : hex(c.codePointAt(0)!);
      i++;
    }
  }
  return out;
}
