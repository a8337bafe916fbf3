// Positions in a plain YAML text (one fast.ts takes) found by a line scan, as `yaml` gives them, so a finding
// in a big contract file does not cost a full `yaml` parse of it.
import { keyName, PLAIN_KEY, plainEnough, QUOTED_KEY, stripComment } from "./fast.ts";

type Seg = string | number;
type Pos = { line: number; col: number };

/** line:col of the node at `path` (or of its nearest ancestor), as `yaml` would give it, found by a line scan
 *  of a text the fast path takes (`taken`: fastParse already took it); undefined when unsure (the caller then
 *  parses the text with `yaml`). */
export function fastLocate(text: string, path: readonly Seg[], taken = false): Pos | undefined {
  if (!taken && !plainEnough(text)) return undefined;
  let best: { depth: number; pos: Pos } | undefined;
  let exact: Pos | undefined;
  const record = (p: readonly Seg[], pos: Pos) => {
    if (exact || p.length > path.length || (best && best.depth >= p.length)) return;
    for (let i = 0; i < p.length; i++) if (p[i] !== path[i]) return;
    if (p.length === path.length) exact = pos;
    else best = { depth: p.length, pos };
  };
  const frames: { col: number; kind: "map" | "seq"; path: Seg[]; index: number }[] = [];
  let pending: { path: Seg[]; col: number } | undefined; // a key or dash whose value starts on a later line
  let blockAbove = -1;
  let unsure = false;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length && !exact && !unsure; n++) {
    const raw = lines[n]!;
    const indent = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (blockAbove >= 0) {
      if (body === "" || indent > blockAbove) continue;
      blockAbove = -1;
    }
    if (body === "" || body.startsWith("#")) continue;
    let owner: Seg[] | undefined; // path of the node that starts on this line, if any
    if (n === 0 || frames.length === 0) {
      if (frames.length === 0 && !best && !exact) record([], { line: n + 1, col: indent + 1 });
      owner = [];
    }
    if (pending && (indent > pending.col || (indent === pending.col && body.startsWith("-")))) {
      record(pending.path, { line: n + 1, col: indent + 1 });
      owner = pending.path;
    } else if (pending) {
      // An empty value (null): where `yaml` puts it is not followed here.
      if (isPrefix(pending.path, path)) unsure = true;
    }
    pending = undefined;
    let col = indent;
    let rest = body;
    while (rest === "-" || rest.startsWith("- ")) {
      while (frames.length && frames[frames.length - 1]!.col > col) frames.pop();
      let top = frames[frames.length - 1];
      if (top?.kind === "seq" && top.col === col) top.index++;
      else {
        if (!owner) return undefined;
        top = { col, kind: "seq", path: owner, index: 0 };
        frames.push(top);
      }
      const item = [...top.path, top.index];
      const after = rest.slice(1);
      const dash = col;
      col += 1 + after.length - after.trimStart().length;
      rest = after.trimStart();
      if (rest === "" || rest.startsWith("#")) {
        pending = { path: item, col: dash };
        rest = "";
      } else record(item, { line: n + 1, col: col + 1 });
      owner = item;
    }
    if (rest === "") continue;
    const key = PLAIN_KEY.exec(rest) ?? QUOTED_KEY.exec(rest);
    if (!key) continue; // a scalar entry, recorded above
    while (frames.length) {
      const top = frames[frames.length - 1]!;
      if (top.col > col || (top.col === col && top.kind === "seq")) frames.pop();
      else break;
    }
    let map = frames[frames.length - 1];
    if (!map || map.col !== col || map.kind !== "map") {
      if (!owner) return undefined;
      map = { col, kind: "map", path: owner, index: 0 };
      frames.push(map);
    }
    const keyPath = [...map.path, keyName(key[1]!)!];
    const valueText = rest.slice(key[0].length);
    const valueCol = col + key[0].length;
    const value = stripComment(valueText) ?? "";
    if (value === "") pending = { path: keyPath, col };
    else {
      record(keyPath, { line: n + 1, col: valueCol + 1 });
      if (/^[|>]/.test(value)) blockAbove = col;
      // Inside a flow collection only paths under keyPath are: none can be the one sought unless keyPath leads to it.
      else if ((value[0] === "{" || value[0] === "[") && isPrefix(keyPath, path)) flowLocate(value, 0, keyPath, (p, at) => record(p, { line: n + 1, col: valueCol + at + 1 }));
    }
  }
  if (pending && isPrefix(pending.path, path)) unsure = true;
  if (unsure) return undefined;
  return exact ?? best?.pos;
}

function isPrefix(p: readonly Seg[], of: readonly Seg[]): boolean {
  return p.length <= of.length && p.every((s, i) => of[i] === s);
}

/** Positions inside a one-line flow collection (already checked by flowOk): each node's path and offset. */
function flowLocate(v: string, start: number, path: Seg[], record: (p: Seg[], at: number) => void): number {
  const open = v[start]!;
  const close = open === "{" ? "}" : "]";
  let i = start + 1;
  let index = 0;
  const skip = () => {
    while (v[i] === " ") i++;
  };
  for (;;) {
    skip();
    if (v[i] === close) return i + 1;
    let childPath: Seg[];
    if (open === "{") {
      const keyStart = i;
      i = scalarEnd(v, i, true);
      childPath = [...path, keyName(v.slice(keyStart, i).trim())!];
      skip();
      i++; // the ':'
      skip();
    } else childPath = [...path, index++];
    record(childPath, i);
    i = v[i] === "{" || v[i] === "[" ? flowLocate(v, i, childPath, record) : scalarEnd(v, i, false);
    skip();
    if (v[i] === ",") i++;
  }
}

/** Where a flow scalar starting at `i` ends: a quoted one at its closing quote, a plain one before , ] } (or :). */
function scalarEnd(v: string, i: number, isKey: boolean): number {
  const q = v[i];
  if (q === '"' || q === "'") {
    let j = i + 1;
    for (; j < v.length; j++) {
      if (q === '"' && v[j] === "\\") j++;
      else if (v[j] === q) {
        if (q === "'" && v[j + 1] === "'") j++;
        else break;
      }
    }
    return j + 1;
  }
  let j = i;
  while (j < v.length && !",]}".includes(v[j]!) && !(isKey && v[j] === ":" && " ,}]".includes(v[j + 1] ?? " "))) j++;
  return j;
}
