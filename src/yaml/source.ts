// A parsed YAML file that remembers where every node is, so problems can be reported as file:line:col,
// and that is edited through the `yaml` Document API so comments and key order survive a rewrite.
import { readFileSync, statSync } from "node:fs";
import type { Document, LineCounter } from "yaml";
import { yamlLibrary } from "./library.ts";
import type { z } from "zod";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { ConfigError, formatProblem, type Problem } from "../errors.ts";
import { fastParse } from "./fast.ts";
import { fileTooLarge, jsonBreach, nestingBreach, stringTooLong, TOO_DEEP, TOO_MANY_ALIASES, YAML_LIMITS } from "./limits.ts";

export type PathSegment = string | number;

const EMPTY = "file is empty";

export type YamlSource = {
  /** Path as shown to the user (relative to the realm root, or the repo root). */
  file: string;
  doc: Document;
  lines: LineCounter;
};

/** How files others write are read: a repeated key is an error, and YAML 1.1's `!!binary`, `!!set`, `!!omap`,
 *  `!!pairs` and `!!timestamp` are not made into bytes, sets, maps and dates (no JSON value is one; a key of bytes
 *  made `yaml` print a warning on stderr): such a tag is left unresolved, a warning at its line:col. */
const READ_OPTIONS = { prettyErrors: false, uniqueKeys: true, resolveKnownTags: false } as const;

/** The value of a YAML text another team (or another machine) wrote, read under the same limits as realm files
 *  (size, nesting, aliases, repeated keys); undefined when it breaks one or does not parse. For records and
 *  files read outside the realm loader, where a bad one is skipped rather than reported. */
export function parseUntrusted(file: string, text: string): unknown {
  if (fileTooLarge(Buffer.byteLength(text))) return undefined;
  const { source, problems } = parseYaml(file, text);
  if (problems.some((p) => p.severity === "error")) return undefined;
  return source.doc.toJS();
}

export function parseYaml(file: string, text: string): { source: YamlSource; problems: Problem[] } {
  const deep = nestingBreach(text);
  if (deep !== undefined) return tooDeep(file, text, deep);
  const lines = new (yamlLibrary().LineCounter)();
  let doc: Document;
  try {
    doc = yamlLibrary().parseDocument(text, { lineCounter: lines, ...READ_OPTIONS });
  } catch {
    // yaml's parser ran out of stack: nesting deeper than the scan above could tell.
    return tooDeep(file, "", 0);
  }
  const source = { file, doc, lines };
  const breach = limitBreach(doc);
  if (breach) {
    // The one problem that matters: what yaml says past that point (a stack it ran out of) follows from it.
    const at = lines.linePos(breach.offset);
    return { source, problems: [{ file, line: at.line, col: at.col, field: shortField(breach.path), message: breach.message, severity: "error" }] };
  }
  const problems: Problem[] = [];
  for (const err of [...doc.errors, ...doc.warnings]) {
    const at = lines.linePos(err.pos[0]);
    // yaml reports the stack it ran out of as an error of the file: it is nesting past blue's limit.
    const message = /maximum call stack/i.test(err.message) ? TOO_DEEP : `invalid YAML: ${firstLine(err.message)}`;
    problems.push({
      file,
      line: at.line,
      col: at.col,
      field: "",
      message,
      severity: doc.errors.includes(err as never) ? "error" : "warning",
    });
  }
  if (problems.length === 0 && (doc.contents === null || isScalarEmpty(doc.contents))) {
    problems.push({ file, line: 1, col: 1, field: "", message: EMPTY, severity: "error" });
  }
  return { source, problems };
}

/** The file refused for nesting past the limit, where the scan (limits.ts nestingBreach) found it at `offset`.
 *  `yaml` reads the text up to there quickly, and its walk says exactly where and under which field the limit is
 *  first passed; if it finds nothing there (a bracket in a plain scalar, which the scan counts), the file is still
 *  refused at the scan's place: the scan errs only towards refusing, and only past hundreds of open brackets. */
function tooDeep(file: string, text: string, offset: number): { source: YamlSource; problems: Problem[] } {
  const lines = new (yamlLibrary().LineCounter)();
  let doc = new (yamlLibrary().Document)(null);
  let breach: ReturnType<typeof limitBreach>;
  try {
    doc = yamlLibrary().parseDocument(text.slice(0, offset + 1), { lineCounter: lines, ...READ_OPTIONS });
    breach = limitBreach(doc);
  } catch {}
  const at = breach ? lines.linePos(breach.offset) : linePos(text, offset);
  const problem: Problem = { file, line: at.line, col: at.col, field: breach ? shortField(breach.path) : "", message: breach?.message ?? TOO_DEEP, severity: "error" };
  return { source: { file, doc, lines }, problems: [problem] };
}

/** line:col of `offset` in `text`, counted as yaml counts them (columns from 1). */
function linePos(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Where a parsed document first goes past blue's limits (limits.ts), walking it as `toJS` would read it: an
 *  alias stands for the node with its anchor last set before it, and counts as all that node's nodes. The walk
 *  stops at the depth limit, so its own stack stays small. */
function limitBreach(doc: Document): { offset: number; path: PathSegment[]; message: string } | undefined {
  const anchors = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  const path: PathSegment[] = [];
  let added = 0;
  let breach: { offset: number; path: PathSegment[]; message: string } | undefined;
  const fail = (node: unknown, message: string) => {
    breach = { offset: yamlLibrary().isNode(node) && node.range ? node.range[0] : 0, path: [...path], message };
    return 0;
  };
  /** The node's size (nodes, aliases expanded); 0 once a breach is found. */
  const walk = (node: unknown, depth: number): number => {
    if (breach || node == null) return 0;
    if (yamlLibrary().isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return fail(node, `alias *${node.source} refers to no anchor before it`);
      if (open.has(target)) return fail(node, `alias *${node.source} refers to a node that holds it (a cycle)`);
      const size = sizes.get(target)!;
      added += size - 1;
      return added > YAML_LIMITS.aliasNodes ? fail(node, TOO_MANY_ALIASES) : size;
    }
    const anchor = yamlLibrary().isNode(node) ? node.anchor : undefined;
    if (anchor) {
      anchors.set(anchor, node);
      open.add(node);
    }
    let size = 1;
    if (yamlLibrary().isScalar(node)) {
      if (typeof node.value === "string" && node.value.length > YAML_LIMITS.stringChars) return fail(node, stringTooLong(node.value.length));
    } else if (yamlLibrary().isCollection(node)) {
      if (depth > YAML_LIMITS.depth) return fail(node, TOO_DEEP);
      node.items.forEach((item, i) => {
        if (yamlLibrary().isPair(item)) {
          // JSON has no such key, and `yaml` would make a string of it with a warning on stderr.
          if (yamlLibrary().isCollection(item.key)) return fail(item.key, "a key is a mapping or a list; a key must be a string");
          size += walk(item.key, depth + 1);
          path.push(yamlLibrary().isScalar(item.key) ? String(item.key.value) : i);
          size += walk(item.value, depth + 1);
        } else {
          path.push(i);
          size += walk(item, depth + 1);
        }
        path.pop();
      });
    }
    if (anchor) {
      open.delete(node);
      sizes.set(node, size);
    }
    return size;
  };
  walk(doc.contents, 1);
  return breach;
}

/** A field name for a problem found deep down: its first few segments, each cut short. */
function shortField(path: readonly PathSegment[]): string {
  const cut = path.slice(0, 6).map((s) => (typeof s === "string" && s.length > 40 ? `${s.slice(0, 40)}…` : s));
  return fieldName(cut) + (path.length > cut.length ? "…" : "");
}

function isScalarEmpty(n: unknown): boolean {
  return yamlLibrary().isScalar(n) && (n.value === null || n.value === "");
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/** line:col of the node at `path`, or of its nearest ancestor that exists (a missing key points at its parent). */
export function locate(source: YamlSource, path: readonly PathSegment[]): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? source.doc.contents : source.doc.getIn(path.slice(0, depth), true);
    if (yamlLibrary().isNode(node) && node.range) {
      const at = source.lines.linePos(node.range[0]);
      return { line: at.line, col: at.col };
    }
  }
  return { line: 1, col: 1 };
}

/** line:col of a key itself (for "unknown field" problems). */
function locateKey(source: YamlSource, path: readonly PathSegment[], key: string): { line: number; col: number } {
  const parent = path.length === 0 ? source.doc.contents : source.doc.getIn(path, true);
  if (yamlLibrary().isMap(parent)) {
    for (const pair of parent.items) {
      if (yamlLibrary().isScalar(pair.key) && pair.key.value === key && pair.key.range) {
        const at = source.lines.linePos(pair.key.range[0]);
        return { line: at.line, col: at.col };
      }
    }
  }
  return locate(source, path);
}

export function fieldName(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/** Validate a parsed file against its Zod schema; every issue becomes a Problem with its position. */
export function validate<S extends z.ZodType>(
  source: YamlSource,
  schema: S,
): { value?: z.infer<S>; problems: Problem[] } {
  // parseYaml's walk has bounded what aliases expand to (limits.ts), more finely than yaml's maxAliasCount.
  const result = schema.safeParse(source.doc.toJS({ maxAliasCount: -1 }));
  if (result.success) return { value: result.data, problems: [] };
  const problems: Problem[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      // Unknown fields are most often typos; they are reported but do not make the file unusable.
      for (const key of issue.keys) {
        problems.push({ file: source.file, ...locateKey(source, path, key), field: fieldName([...path, key]), message: "unknown field", severity: "warning" });
      }
      continue;
    }
    const missing = issue.code === "invalid_type" && source.doc.getIn(path, true) === undefined;
    problems.push({
      file: source.file,
      ...locate(source, path),
      field: fieldName(path),
      message: missing ? "is required" : issue.message,
      severity: "error",
    });
  }
  // Only unknown-field warnings: the data is still usable once the unknown keys are dropped.
  if (problems.every((p) => p.severity === "warning")) {
    const stripped = stripUnknown(source.doc.toJS({ maxAliasCount: -1 }), result.error.issues);
    const again = schema.safeParse(stripped);
    if (again.success) return { value: again.data, problems };
  }
  return { problems };
}

function stripUnknown(data: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    let target: unknown = data;
    for (const seg of issue.path) target = (target as Record<PropertyKey, unknown>)?.[seg as PropertyKey];
    if (target && typeof target === "object") for (const k of issue.keys) delete (target as Record<string, unknown>)[k];
  }
  return data;
}

/** A file's text, unless it is too large to read (or not a file at all: a pipe or a device never ends). */
export function readText(path: string, shownAs: string): { text: string } | { problem: Problem } {
  const st = statSync(path, { throwIfNoEntry: false });
  const why = !st ? undefined : !st.isFile() ? "not a regular file" : fileTooLarge(st.size);
  if (why) return { problem: { file: shownAs, line: 1, col: 1, field: "", message: why, severity: "error" } };
  return { text: readFileSync(path, "utf8") };
}

/** Read, parse and validate one file; throws ConfigError listing every problem if it is unusable. */
export function readValidated<S extends z.ZodType>(path: string, shownAs: string, schema: S): { value: z.infer<S>; source: YamlSource; warnings: Problem[] } {
  const read = readText(path, shownAs);
  if ("problem" in read) throw new ConfigError(`${shownAs} is not valid`, `Fix the file and run the command again.`, [read.problem]);
  const parsed = parseYaml(shownAs, read.text);
  const checked = parsed.problems.some((p) => p.severity === "error") ? { problems: [] } : validate(parsed.source, schema);
  const problems = [...parsed.problems, ...checked.problems];
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0 || checked.value === undefined) {
    throw new ConfigError(`${shownAs} is not valid`, `Fix the file and run the command again.`, problems);
  }
  return { value: checked.value, source: parsed.source, warnings: problems };
}

/** The data in a YAML or JSON text (by the file's extension) that someone else wrote, read within blue's limits;
 *  a ConfigError whose one line says where it is malformed or goes past a limit. */
export function parseData(file: string, text: string): unknown {
  if (file.endsWith(".json")) {
    const breach = jsonBreach(text);
    if (breach) {
      let line = 1;
      for (let i = text.indexOf("\n"); i !== -1 && i < breach.offset; i = text.indexOf("\n", i + 1)) line++;
      const col = breach.offset - text.lastIndexOf("\n", breach.offset - 1);
      throw new ConfigError(formatProblem({ file, line, col, field: "", message: breach.message, severity: "error" }), "Fix the file at that place, then run the command again.");
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${file}: cannot parse: ${(e as Error).message.split("\n")[0]}`, "Fix the file so that it is valid JSON, then run the command again.");
    }
  }
  const fast = fastParse(text);
  if (fast !== undefined) return fast;
  const { source, problems } = parseYaml(file, text);
  // An empty text is data (null) here; only a realm file must hold something.
  const error = problems.find((p) => p.severity === "error" && p.message !== EMPTY);
  if (error) throw new ConfigError(formatProblem(error), "Fix the file at that place, then run the command again.");
  return source.doc.toJS({ maxAliasCount: -1 });
}

/** Edit an existing YAML file in place through the Document API (comments and key order kept), atomically; an
 *  edit that returns false leaves the file as it is. */
export function editYamlFile(path: string, edit: (doc: Document) => void | false): void {
  const doc = yamlLibrary().parseDocument(readFileSync(path, "utf8"));
  if (edit(doc) === false) return;
  writeFileAtomic(path, doc.toString({ lineWidth: 0 }));
}

/** Write a new YAML file from data, with an optional leading comment. */
export function writeYamlFile(path: string, data: unknown, comment?: string): void {
  const doc = new (yamlLibrary().Document)(data);
  if (comment) doc.commentBefore = ` ${comment}`;
  writeFileAtomic(path, doc.toString({ lineWidth: 0 }));
}
