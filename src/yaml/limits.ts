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
