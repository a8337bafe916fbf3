// A fast path for reading realm files: Bun's native YAML parser is ~15× faster than `yaml`, whose documents
// (with every node's position) blue needs only to report a problem. The two agree on the plain YAML people
// and blue write, but not everywhere: Bun keeps the last of two equal keys where `yaml` reports an error, and
// it applies `<<` merge keys, reads `? ` complex keys and several documents differently. So a text takes the
// fast path only when a line scan finds none of those (nor tags, anchors or aliases, nor anything it does not
// understand, e.g. multi-line flow collections); anything else goes the slow, exact way. Nor does a text near
// blue's limits (limits.ts) take it: the exact way measures those and says where a file goes past one.
import { YAML_LIMITS } from "./limits.ts";

/** The parsed data, or undefined when the text must be read by `yaml` (to be exact, or to report problems). */
export function fastParse(text: string): unknown {
  if (!plainEnough(text)) return undefined;
  try {
    return Bun.YAML.parse(text);
  } catch {
    return undefined;
  }
}

// A key ends with a character that is not a space: with `[^#]*?\s*:`, each step of the lazy key re-read the run of
// spaces after it, and a line of 200,000 spaces took 20 s (the same keys match).
export const PLAIN_KEY = /^([^\s\-?:,[\]{}#&*!|>'"%@`](?:[^#]*?[^\s#])??|-[^\s#](?:[^#]*?[^\s#])??)\s*:(?:\s+|$)/;
export const QUOTED_KEY = /^("[^"\\]*(?:\\.[^"\\]*)*"|'[^']*(?:''[^']*)*')\s*:(?:\s+|$)/;

/** True when the text uses only block mappings and sequences of one-line scalars and flow collections, with
 *  no key repeated in any mapping, and stays well inside blue's limits. */
export function plainEnough(text: string): boolean {
  if (/<<|\t|\r(?!\n)/.test(text)) return false;
  const lines = text.split(/\r?\n/);
  // Open block mappings, innermost last: the column of their keys and the keys seen.
  const frames: { col: number; keys: Set<string> }[] = [];
  let blockScalarAbove = -1; // lines indented deeper than this belong to a block scalar
  let blockChars = 0; // the block scalar's characters so far, line breaks included (its content has no more)
  let continuationAbove = -1; // after a one-line value: a line deeper than this would continue it (refused)
  for (const raw of lines) {
    // A one-line scalar is no longer than its line.
    if (raw.length > YAML_LIMITS.stringChars) return false;
    const unindented = raw.trimStart();
    const indent = raw.length - unindented.length;
    const body = unindented.trimEnd();
    if (blockScalarAbove >= 0) {
      blockChars += raw.length + 1;
      if (blockChars > YAML_LIMITS.stringChars) return false;
      if (body === "" || indent > blockScalarAbove) continue;
      blockScalarAbove = -1;
    }
    const first = body.charCodeAt(0);
    if (body === "" || first === 35 /* # */) continue;
    if ((first === 45 /* - */ || first === 46 /* . */ || first === 37 /* % */) && /^(---|\.\.\.)(\s|$)|^%/.test(body)) return false;
    if (continuationAbove >= 0 && indent > continuationAbove) return false;
    let col = indent;
    let dashCol = -1;
    let rest = body;
    // Sequence entries: each "- " opens a new item, so mappings deeper than its dash end.
    while (rest === "-" || rest.startsWith("- ")) {
      while (frames.length && frames[frames.length - 1]!.col > col) frames.pop();
      dashCol = col;
      const after = rest.slice(1);
      col += 1 + after.length - after.trimStart().length;
      rest = after.trimStart();
    }
    continuationAbove = -1;
    // Block collections nest at most col + 2 deep here (a level costs a column, but a sequence may sit at its
    // key's column: `a:\n- b:`), and a flow collection on this line adds its own depth.
    const flowDepth = YAML_LIMITS.depth - col - 2;
    if (flowDepth < 0) return false;
    if (rest === "") continue;
    const key = PLAIN_KEY.exec(rest) ?? QUOTED_KEY.exec(rest);
    let value = rest;
    if (key) {
      const name = keyName(key[1]!);
      if (name === undefined || !stringKey(key[1]!)) return false;
      while (frames.length && frames[frames.length - 1]!.col > col) frames.pop();
      const frame = frames[frames.length - 1];
      if (frame && frame.col === col) {
        if (frame.keys.has(name)) return false;
        frame.keys.add(name);
      } else frames.push({ col, keys: new Set([name]) });
      value = rest.slice(key[0].length);
    } else if (dashCol < 0) {
      // A scalar where a key or an entry was due: a document that is one scalar, or a continuation line.
      return false;
    }
    const scalar = scalarKind(value, flowDepth);
    if (scalar === "bad") return false;
    const owner = key ? col : dashCol;
    if (scalar === "block") {
      blockScalarAbove = owner;
      blockChars = 0;
    }
    if (scalar === "scalar") continuationAbove = owner;
  }
  return true;
}

export function keyName(raw: string): string | undefined {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return undefined;
    }
  }
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  return raw.trim();
}

/** Whether a key is a string as written: quoted, or plain and not like a null, boolean or number. The two parsers
 *  disagree on null keys (`yaml` makes "" of them, Bun "null"), and keys such as `1` and `01` are the same key to
 *  `yaml` but not to the duplicate check above. Loose on purpose: a key refused here only takes the exact path. */
function stringKey(raw: string): boolean {
  const c = raw.charCodeAt(0);
  if (c === 34 /* " */ || c === 39 /* ' */) return true;
  // An empty key is a null one; a key with ": " inside is a misreading (`-: [a: b]`).
  if (raw.trim() === "" || /:\s/.test(raw)) return false;
  return !NOT_A_STRING.test(raw.trim());
}

/** A plain scalar that YAML's core schema reads as a null, boolean or number rather than a string (loose: it also
 *  takes some strings that merely start like a number). */
export const NOT_A_STRING = /^(?:[-+]?\.?[0-9]|[-+]?\.(?:inf|Inf|INF)$|\.(?:nan|NaN|NAN)$|~$|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)/;

/** What follows a key or a dash: nothing, a one-line scalar or flow collection (nested at most `flowDepth`
 *  deep), a block scalar header, or something this scan does not follow ("bad"). */
function scalarKind(value: string, flowDepth: number): "empty" | "scalar" | "block" | "bad" {
  const v = stripComment(value);
  if (v === undefined) return "bad";
  if (v === "") return "empty";
  if (/^[|>][-+0-9]*$/.test(v)) return "block";
  const c = v[0]!;
  // `- :` or `a: - x`: an indicator and a space, where a scalar was due.
  if ((c === ":" || c === "-" || c === "?") && (v.length === 1 || /\s/.test(v[1]!))) return "bad";
  // Indicators a plain scalar may not start with (`yaml` refuses `a: ,b`; Bun reads it as ",b").
  if ("&*!?%@`|>,]}".includes(c)) return "bad";
  if (c === "{" || c === "[") return flowOk(v, flowDepth) ? "scalar" : "bad";
  // (Written as runs of plain characters between escapes: an alternation per character took 100 ms over 400k.)
  if (c === '"') return /^"[^"\\]*(?:\\.[^"\\]*)*"$/.test(v) ? "scalar" : "bad";
  if (c === "'") return /^'[^']*(?:''[^']*)*'$/.test(v) ? "scalar" : "bad";
  // A plain scalar with ": " inside would be a nested mapping on one line, which YAML refuses.
  return /:\s/.test(v) ? "bad" : "scalar";
}

/** The value without a trailing comment; undefined when a quote is left open. */
export function stripComment(value: string): string | undefined {
  // Most values have no quote and no comment: nothing to scan.
  if (value.indexOf("#") === -1 && value.indexOf('"') === -1 && value.indexOf("'") === -1) return value.trimEnd();
  let quote = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (quote) {
      if (ch === 92 /* \ */ && quote === 34) i++;
      else if (ch === quote) quote = 0;
    } else if (ch === 34 /* " */ || ch === 39 /* ' */) {
      // A quote starts a quoted scalar only at the start of a token.
      if (i === 0 || /[\s[{,]/.test(value[i - 1]!)) quote = ch;
    } else if (ch === 35 /* # */ && (i === 0 || /\s/.test(value[i - 1]!))) return value.slice(0, i).trimEnd();
  }
  return quote ? undefined : value.trimEnd();
}

/** A one-line flow collection: balanced, nested at most `maxDepth` deep, with no key repeated in any `{}`, no
 *  tags, anchors or aliases. (Index-based, and a mapping's keys kept in a small array: it runs for most lines of
 *  a contract schema.) */
function flowOk(v: string, maxDepth: number): boolean {
  const stack: (string[] | null)[] = [];
  let tokenStart = 0;
  let expectKey = false;
  const token = (end: number) => v.slice(tokenStart, end).trim();
  const plainToken = (t: string) => {
    const c = t.charCodeAt(0);
    return t === "" || (c !== 38 /* & */ && c !== 42 /* * */ && c !== 33 /* ! */ && c !== 63 /* ? */);
  };
  for (let i = 0; i < v.length; i++) {
    const ch = v.charCodeAt(i);
    if (ch === 34 /* " */ || ch === 39 /* ' */) {
      let j = i + 1;
      for (; j < v.length; j++) {
        const c = v.charCodeAt(j);
        if (ch === 34 && c === 92 /* \ */) j++;
        else if (c === ch) {
          if (ch === 39 && v.charCodeAt(j + 1) === 39) j++;
          else break;
        }
      }
      if (j >= v.length) return false;
      i = j;
    } else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (token(i) !== "" || stack.length >= maxDepth) return false;
      stack.push(ch === 123 ? [] : null);
      expectKey = ch === 123;
      tokenStart = i + 1;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */ || ch === 44 /* , */) {
      const t = token(i);
      // `{a, b}`: keys without values, not followed here.
      if ((expectKey && t !== "") || !plainToken(t)) return false;
      if (ch !== 44) {
        const frame = stack.pop();
        if (frame === undefined || (ch === 125) !== (frame !== null)) return false;
        if (stack.length === 0) return v.slice(i + 1).trim() === "";
      }
      expectKey = stack[stack.length - 1] != null;
      tokenStart = i + 1;
    } else if (ch === 58 /* : */ && (i + 1 === v.length || isFlowEnd(v.charCodeAt(i + 1)))) {
      // A key in a flow mapping; in a flow sequence it would make a one-pair mapping: not followed here.
      const frame = stack[stack.length - 1];
      const raw = token(i);
      const name = keyName(raw);
      if (!expectKey || !frame || name === undefined || !stringKey(raw) || !plainToken(name) || frame.includes(name)) return false;
      frame.push(name);
      expectKey = false;
      tokenStart = i + 1;
    } else if (ch === 35 /* # */ && (v.charCodeAt(i - 1) === 32 || v.charCodeAt(i - 1) === 9)) {
      return false;
    }
  }
  return false;
}

/** After a flow key's colon: a space, a comma or a closing bracket. */
function isFlowEnd(c: number): boolean {
  return c === 32 || c === 44 || c === 125 || c === 93;
}
