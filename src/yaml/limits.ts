// How much blue reads from one YAML or JSON file that other people write (a realm is several teams' git repo,
// so its files are untrusted input). Past a limit a file is refused with a problem at file:line:col, before any
// parser or walk of blue's can run out of stack or memory: an alias bomb, nesting thousands deep, a huge string
// or file. The limits are far above what a real realm holds (docs/cli/realm.md, "Limits").
// No `yaml` import here: the fast path reads these numbers on the start-up path.

export const YAML_LIMITS = {
  /** Bytes in one file (a 100 MB contract file is read). */
  fileBytes: 128 * 1024 * 1024,
  /** Characters in one string (a value or a key). */
  stringChars: 1024 * 1024,
  /** Collections nested in one another; the file's top mapping is the first. */
  depth: 256,
  /** Nodes that aliases may add to a file: each alias counts every node it stands for (yaml's own
   *  `maxAliasCount` of 100 would also refuse a hundred aliases of one string, which is no attack). */
  aliasNodes: 10_000,
} as const;

/** Why a file of `bytes` bytes is not read, or undefined. */
export function fileTooLarge(bytes: number): string | undefined {
  if (bytes <= YAML_LIMITS.fileBytes) return undefined;
  return `the file is ${mib(bytes)}; blue's limit is ${mib(YAML_LIMITS.fileBytes)}`;
}

export function stringTooLong(chars: number): string {
  return `a string of ${chars} characters; blue's limit is ${YAML_LIMITS.stringChars}`;
}

export const TOO_DEEP = `nested more than ${YAML_LIMITS.depth} levels deep; blue's limit is ${YAML_LIMITS.depth}`;

export const TOO_MANY_ALIASES = `aliases expand the file by more than ${YAML_LIMITS.aliasNodes} nodes here (an alias bomb?); blue's limit is ${YAML_LIMITS.aliasNodes}`;

function mib(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MiB`;
}

/** Where a JSON text first goes past a limit (a scan of its brackets and strings, before JSON.parse builds
 *  anything), or undefined. */
export function jsonBreach(text: string): { offset: number; message: string } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
      // Escapes only shrink a string: the raw length bounds the decoded one.
      if (i - start - 1 > YAML_LIMITS.stringChars) return { offset: start, message: stringTooLong(i - start - 1) };
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > YAML_LIMITS.depth) return { offset: i, message: TOO_DEEP };
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return undefined;
}

/** Where a YAML text opens a collection past the depth limit, found by one pass over its characters before `yaml`
 *  reads it: `yaml` takes seconds over a few hundred thousand brackets (minutes near the file limit) before its
 *  document can be walked, and runs out of stack on `- - - …`. The depth counted here is a lower bound of
 *  `yaml`'s: the flow collections open at that point, and on the line where they opened, the `- ` and `? `
 *  entries it starts with and a key. Quoted scalars, comments and block scalars are skipped where they begin
 *  as `yaml` would begin them (at the start of a value); a quote or bracket inside a plain scalar, which this scan
 *  does not follow, can only make it count more (the caller then asks `yaml` about the text up to that point) or,
 *  in a text made to mislead it, see less (then `yaml` reads the file as before, and its walk refuses it). */
export function nestingBreach(text: string): number | undefined {
  const n = text.length;
  const limit = YAML_LIMITS.depth;
  let flow = 0; // flow collections open
  let block = 0; // collections proved by the line the outermost open flow collection (or this line) is on
  let keyed = false; // that line has a key already
  let valueStart = true; // a quoted scalar, block scalar, flow collection, `- ` or `? ` may begin here
  let lineStart = true;
  let indent = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (lineStart && flow === 0) {
      lineStart = false;
      block = 0;
      keyed = false;
      valueStart = true;
      indent = 0;
      while (i < n && text.charCodeAt(i) === 32) {
        i++;
        indent++;
      }
      if (i >= n) break;
      c = text.charCodeAt(i);
      // Directives, and document markers followed by a value.
      if (c === 37 /* % */ && indent === 0) {
        i = lineEnd(text, i);
        continue;
      }
      if (indent === 0 && (text.startsWith("---", i) || text.startsWith("...", i)) && isBlank(text.charCodeAt(i + 3))) {
        i += 3;
        continue;
      }
    }
    if (c === 10 /* \n */ || c === 13 /* \r */) {
      i++;
      lineStart = true;
      continue;
    }
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 35 /* # */ && (i === 0 || isBlank(text.charCodeAt(i - 1)))) {
      i = lineEnd(text, i);
      continue;
    }
    if (valueStart && (c === 39 /* ' */ || c === 34 /* " */)) {
      i = quotedEnd(text, i, indent);
      valueStart = false;
      continue;
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      if (valueStart || flow > 0) {
        if (++flow + block > limit) return i;
        valueStart = true;
      } else valueStart = false;
      i++;
      continue;
    }
    if (flow > 0) {
      if (c === 93 /* ] */ || c === 125 /* } */) {
        flow--;
        valueStart = false;
      } else if (c === 44 /* , */ || (c === 58 /* : */ && isFlowBlank(text.charCodeAt(i + 1)))) valueStart = true;
      else if ((c === 33 /* ! */ || c === 38) /* & */ && valueStart) i = tokenEnd(text, i, true) - 1;
      else valueStart = false;
      i++;
      continue;
    }
    // Block context.
    if ((c === 45 /* - */ || c === 63) /* ? */ && valueStart && isBlank(text.charCodeAt(i + 1))) {
      if (++block > limit) return i;
      i++;
      continue;
    }
    if (c === 58 /* : */ && isBlank(text.charCodeAt(i + 1))) {
      if (!keyed && ++block > limit) return i;
      keyed = true;
      valueStart = true;
      i++;
      continue;
    }
    if ((c === 33 /* ! */ || c === 38) /* & */ && valueStart) {
      i = tokenEnd(text, i, false);
      continue;
    }
    if ((c === 124 /* | */ || c === 62) /* > */ && valueStart) {
      // A block scalar: the lines indented deeper than this one are its text.
      i = lineEnd(text, i);
      while (i < n) {
        const next = i + 1;
        let j = next;
        while (j < n && text.charCodeAt(j) === 32) j++;
        const blank = j >= n || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13;
        if (!blank && j - next <= indent) break;
        i = lineEnd(text, next);
      }
      continue;
    }
    valueStart = false;
    i++;
  }
  return undefined;
}

/** undefined (past the end), a space, a tab or a line break. */
function isBlank(c: number): boolean {
  return Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13;
}

function isFlowBlank(c: number): boolean {
  return isBlank(c) || c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

/** The index of the line break that ends the line `i` is on (or the text's length). */
function lineEnd(text: string, i: number): number {
  const lf = text.indexOf("\n", i);
  const cr = text.indexOf("\r", i);
  const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  return end === -1 ? text.length : end;
}

/** Just past the quoted scalar that starts at `i`, on a line indented `indent`: its lines go on while they are
 *  indented deeper (or blank), as `yaml` reads them; it ends unclosed at the first line that is not (`yaml` then
 *  reads that line as YAML again), or at the text's end. */
function quotedEnd(text: string, i: number, indent: number): number {
  const q = text.charCodeAt(i);
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (q === 34 && c === 92 /* \ */) j++;
    else if (c === q) {
      if (q === 39 && text.charCodeAt(j + 1) === 39) j++;
      else return j + 1;
    } else if (c === 10 /* \n */ || c === 13 /* \r */) {
      let k = j + 1;
      while (k < text.length && text.charCodeAt(k) === 32) k++;
      const next = text.charCodeAt(k);
      if (k < text.length && next !== 10 && next !== 13 && k - (j + 1) <= indent) return j;
    }
  }
  return text.length;
}

/** Just past a tag or an anchor at `i` (in flow context, a flow indicator also ends it). */
function tokenEnd(text: string, i: number, inFlow: boolean): number {
  let j = i + 1;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (isBlank(c) || (inFlow && (c === 44 || c === 91 || c === 93 || c === 123 || c === 125))) break;
  }
  return j;
}
