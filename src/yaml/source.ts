// A parsed YAML file that remembers where every node is, so problems can be reported as file:line:col,
// and that is edited through the `yaml` Document API so comments and key order survive a rewrite.
import { readFileSync } from "node:fs";
import { Document, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { ConfigError, type Problem } from "../errors.ts";

export type PathSegment = string | number;

export type YamlSource = {
  /** Path as shown to the user (relative to the realm root, or the repo root). */
  file: string;
  doc: Document;
  lines: LineCounter;
};

export function parseYaml(file: string, text: string): { source: YamlSource; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = { file, doc, lines };
  const problems: Problem[] = [];
  for (const err of [...doc.errors, ...doc.warnings]) {
    const at = lines.linePos(err.pos[0]);
    problems.push({
      file,
      line: at.line,
      col: at.col,
      field: "",
      message: `invalid YAML: ${firstLine(err.message)}`,
      severity: doc.errors.includes(err as never) ? "error" : "warning",
    });
  }
  if (problems.length === 0 && (doc.contents === null || isScalarEmpty(doc.contents))) {
    problems.push({ file, line: 1, col: 1, field: "", message: "file is empty", severity: "error" });
  }
  return { source, problems };
}

function isScalarEmpty(n: unknown): boolean {
  return isScalar(n) && (n.value === null || n.value === "");
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/** line:col of the node at `path`, or of its nearest ancestor that exists (a missing key points at its parent). */
export function locate(source: YamlSource, path: readonly PathSegment[]): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? source.doc.contents : source.doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const at = source.lines.linePos(node.range[0]);
      return { line: at.line, col: at.col };
    }
  }
  return { line: 1, col: 1 };
}

/** line:col of a key itself (for "unknown field" problems). */
function locateKey(source: YamlSource, path: readonly PathSegment[], key: string): { line: number; col: number } {
  const parent = path.length === 0 ? source.doc.contents : source.doc.getIn(path, true);
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isScalar(pair.key) && pair.key.value === key && pair.key.range) {
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
  const result = schema.safeParse(source.doc.toJS({ maxAliasCount: 100 }));
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
    const stripped = stripUnknown(source.doc.toJS(), result.error.issues);
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

/** Read, parse and validate one file; throws ConfigError listing every problem if it is unusable. */
export function readValidated<S extends z.ZodType>(path: string, shownAs: string, schema: S): { value: z.infer<S>; source: YamlSource; warnings: Problem[] } {
  const parsed = parseYaml(shownAs, readFileSync(path, "utf8"));
  const checked = parsed.problems.some((p) => p.severity === "error") ? { problems: [] } : validate(parsed.source, schema);
  const problems = [...parsed.problems, ...checked.problems];
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0 || checked.value === undefined) {
    throw new ConfigError(`${shownAs} is not valid`, `Fix the file and run the command again.`, problems);
  }
  return { value: checked.value, source: parsed.source, warnings: problems };
}

/** Edit an existing YAML file in place through the Document API (comments and key order kept), atomically. */
export function editYamlFile(path: string, edit: (doc: Document) => void): void {
  const doc = parseDocument(readFileSync(path, "utf8"));
  edit(doc);
  writeFileAtomic(path, doc.toString({ lineWidth: 0 }));
}

/** Write a new YAML file from data, with an optional leading comment. */
export function writeYamlFile(path: string, data: unknown, comment?: string): void {
  const doc = new Document(data);
  if (comment) doc.commentBefore = ` ${comment}`;
  writeFileAtomic(path, doc.toString({ lineWidth: 0 }));
}
