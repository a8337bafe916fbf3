// Seeded mutations of one realm file (issue 18's fuzz): byte flips, truncations, insertions of YAML syntax,
// structure mutations on the parsed document (then written out again), type confusions, and commands or hook
// paths pointed at what this machine never consented to run. The same (seed, case) gives the same mutation.
import { dirname, join } from "node:path";
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document } from "yaml";
import { nestingBreach } from "../../src/yaml/limits.ts";
import { rng } from "../seeded.ts";

export type Random = {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
};

export function random(seed: number): Random {
  const next = rng(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)]! };
}

/** The random source of case `index` of the run seeded `seed`: each case is replayed alone from these two. */
export function caseRandom(seed: number, index: number): Random {
  return random((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

/** What a case does to one file: new bytes, or the file replaced by something that is not a YAML file; and files
 *  added beside it. */
export type Mutation = { file: string; steps: string[]; bytes?: Buffer; replace?: "delete" | "directory" | "symlink-dev-zero" | "fifo"; extra?: { path: string; bytes: Buffer }[] };

/** Files a case may add to the realm (drawn from a stream of their own, so adding kinds here leaves every case's
 *  file mutation as it was): a copy under another name or in another domain, a domain without domain.yaml, a
 *  `.yml` twin, a repo file nobody joined with. */
export function addFiles(seed: number, index: number, m: Mutation, originals: Record<string, string>): void {
  const r = caseRandom(seed ^ 0x5bd1e995, index);
  if (r.next() >= 0.06) return;
  const text = m.bytes ?? Buffer.from(originals[m.file] ?? "");
  const stem = m.file.replace(/\.yaml$/, "");
  const contract = Buffer.from(originals["domains/s3-access/contracts/training-metrics.yaml"]!);
  const kind = r.int(5);
  const extra =
    kind === 0 ? [{ path: `${stem}-copy.yaml`, bytes: text }]
    : kind === 1 ? [{ path: `${stem}.yml`, bytes: text }]
    : kind === 2 ? [{ path: "domains/other/contracts/training-metrics.yaml", bytes: contract }]
    : kind === 3 ? [{ path: "domains/other/domain.yaml", bytes: Buffer.from("name: other\ncreated_at: 2026-01-24T10:07:00Z\nmembers: [aperture, fungal-image-analysis]\n") }, { path: "domains/other/contracts/training-metrics.yaml", bytes: contract }, { path: "domains/other/bindings/fungal-image-analysis.yaml", bytes: text }]
    : [{ path: "repos/evil.yaml", bytes: Buffer.from(originals["repos/aperture.yaml"]!.replace("name: aperture", "name: evil")) }];
  m.extra = extra;
  m.steps.push(`add ${extra.map((e) => e.path).join(", ")}`);
}

/** Snippets of YAML syntax worth dropping anywhere: indicators, anchors and aliases, tags, brackets, odd bytes. */
const SYNTAX = [
  "&a ", "*a", "*nowhere", "&a [x, *a]", "<<: *a\n", "!!str ", "!!int ", "!!binary ", "!!map ", "!!seq ", "!!set ", "!!omap ",
  "!<tag:yaml.org,2002:float> ", "!custom ", "!!null ", "!!timestamp ", "[", "]", "{", "}", "[]", "{}", ", ", ": ", "- ", "? ", "|", ">-",
  "|+\n", "\t", "\uFEFF", "\0", "\r", "\r\n", "\u2028", "\u0085", "'", '"', "#", " #", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n",
  "...\n", "--- |\n", "\\", "\\u", '"\\uD800"', "\uD800", "💥", "\u202E", "~", ".inf", ".nan", "0x1F", "0o17", "1e400", "-0",
  "99999999999999999999999", "2026-02-30T25:61:00Z", "yes", "on", "null", "@", "`", "%", "&", "*",
];

/** Values a node may be swapped for: every type, edge numbers, empty and huge strings, odd unicode, paths out of the repo. */
const VALUES: (() => unknown)[] = [
  () => null, () => true, () => false, () => 0, () => -1, () => 1.5, () => -0, () => Number.NaN, () => Number.POSITIVE_INFINITY,
  () => Number.MAX_SAFE_INTEGER + 2, () => 1e308, () => 123456789012345678901234567890n.toString(), () => "", () => " ", () => "x",
  () => "1.0.0", () => "999999999999999999.0.0", () => "1.0.0-rc.1+build", () => ">=1.0.0 <2.0.0", () => "^0.0.0", () => "*", () => "||",
  () => "../../etc/passwd", () => "/etc/passwd", () => "ü𝄞\u202e\u0000", () => "\uD800", () => "x".repeat(5000), () => "a\nb\n",
  () => "#not a comment", () => "&anchor", () => "2026-01-24T10:00:00Z", () => "not a date", () => [], () => ({}), () => ["x"],
  () => [[["deep"]]], () => ({ a: 1 }), () => ({ "": "" }), () => ({ type: "object" }), () => ({ $ref: "#" }), () => ({ pattern: "(a+)+$" }),
  () => ({ pattern: "(?<=x)y" }), () => ({ type: "string", pattern: "[" }), () => [null], () => Array.from({ length: 300 }, (_, i) => i),
];

/** Keys worth adding: fields of other files, near misses of real ones, and odd ones. */
const KEYS = ["name", "version", "owner", "schema", "value", "extract", "command", "members", "repo", "role", "exports", "imports", "validation",
  "Name", "name ", "min_blue_version", "governance", "trust", "__proto__", "constructor", "", "k".repeat(3000), "ü", "<<", "1", "null", "true"];

/** What a realm file could ask this machine to run: nothing here was consented to (world.ts's PINNED and APPROVED
 *  name other argv, or the same argv in another file or field). Among them the sentinel by its absolute path. */
export function hostileCommands(marker: string): unknown[] {
  return [
    "bin/sentinel.sh", "./bin/sentinel.sh", ["bin/sentinel.sh"], ["./bin/sentinel.sh"], ["./bin/extract.sh", "--evil"], ["./bin/extract.sh", ""],
    "bin/extract.sh", ["bin/extract.sh"], "./bin/extract.sh ", [" ./bin/extract.sh"], ["./bin//extract.sh"], ["touch", marker], ["sh", "-c", `echo x >> '${marker}'`],
    [join(dirname(marker), "aperture", "bin", "sentinel.sh")], ["bin/validate.sh", "x"], "bin/validate.sh", "./bin/validate.sh", "bin/../bin/sentinel.sh",
  ];
}

export function mutate(r: Random, file: string, original: string, marker: string): Mutation {
  const steps: string[] = [];
  if (r.next() < 0.03) {
    const replace = r.pick(["delete", "directory", "symlink-dev-zero", "fifo"] as const);
    return { file, steps: [`replace the file: ${replace}`], replace };
  }
  let bytes: Buffer = Buffer.from(original);
  const rounds = 1 + (r.next() < 0.3 ? r.int(3) : 0);
  for (let i = 0; i < rounds; i++) {
    const kind = r.next();
    const before = bytes;
    try {
      if (kind < 0.17) bytes = byteFlips(r, bytes, steps);
      else if (kind < 0.27) bytes = truncate(r, bytes, steps);
      else if (kind < 0.45) bytes = insertSyntax(r, bytes, steps);
      else if (kind < 0.55) bytes = lineEdit(r, bytes, steps);
      else if (kind < 0.6) bytes = deep(r, bytes, steps);
      // (yaml parses a big text slowly: one made big is only flipped, cut and added to from here.)
      else if (bytes.length > 50_000 || nested(bytes)) bytes = byteFlips(r, bytes, steps);
      else if (kind < 0.9) bytes = structure(r, bytes, steps, marker, i === 0 ? file : undefined);
      else bytes = hostile(r, file, bytes, steps, marker, i === 0);
    } catch {
      // A structure edit the document does not allow (a path through a scalar): flip bytes instead.
      bytes = byteFlips(r, before, steps);
    }
  }
  return { file, steps, bytes };
}

/** Nested past the limit already: yaml's document of it is slow to walk and to write out again. */
function nested(b: Buffer): boolean {
  return nestingBreach(b.toString("utf8")) !== undefined;
}

function byteFlips(r: Random, b: Buffer, steps: string[]): Buffer {
  const out = Buffer.from(b);
  if (out.length === 0) return out;
  for (let n = 1 + r.int(4); n > 0; n--) {
    const at = r.int(out.length);
    const was = out[at]!;
    out[at] = r.next() < 0.5 ? was ^ (1 << r.int(8)) : r.int(256);
    steps.push(`byte ${at}: ${was} → ${out[at]}`);
  }
  return out;
}

function truncate(r: Random, b: Buffer, steps: string[]): Buffer {
  const at = r.int(b.length + 1);
  steps.push(`truncate at byte ${at}`);
  return b.subarray(0, at);
}

function insertSyntax(r: Random, b: Buffer, steps: string[]): Buffer {
  const text = b.toString("utf8");
  let snippet = r.pick(SYNTAX);
  if (r.next() < 0.05) {
    // A very long key, or a very long run of spaces inside a line (the fast path's key pattern once took 20 s on one).
    const n = 1 + r.int(70_000);
    snippet = n % 2 ? `${"k".repeat(n)}: v\n` : `b${" ".repeat(3 * n)}c`;
  }
  // At a line start or anywhere.
  const lines = lineStarts(text);
  const at = r.next() < 0.5 ? r.pick(lines) : r.int(text.length + 1);
  steps.push(`insert ${JSON.stringify(snippet.length > 40 ? `${snippet.slice(0, 40)}…(${snippet.length})` : snippet)} at char ${at}`);
  return Buffer.from(text.slice(0, at) + snippet + text.slice(at));
}

function lineEdit(r: Random, b: Buffer, steps: string[]): Buffer {
  const lines = b.toString("utf8").split("\n");
  const i = r.int(lines.length);
  const j = r.int(lines.length);
  const op = r.int(5);
  if (op === 0) {
    lines.splice(i, 0, lines[i]!);
    steps.push(`duplicate line ${i + 1}`);
  } else if (op === 1) {
    lines.splice(i, 1);
    steps.push(`delete line ${i + 1}`);
  } else if (op === 2) {
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    steps.push(`swap lines ${i + 1} and ${j + 1}`);
  } else if (op === 3) {
    const indent = r.pick(["", " ", "  ", "\t", "    ", "   "]);
    lines[i] = indent + lines[i]!.trimStart();
    steps.push(`indent line ${i + 1} by ${JSON.stringify(indent)}`);
  } else {
    // A key repeated in its mapping, with another value.
    const m = /^(\s*(?:- )?)([^:#\s][^:#]*):/.exec(lines[i]!);
    if (m) lines.splice(i + 1, 0, `${m[1]!.replace("- ", "  ")}${m[2]}: ${r.pick(["x", "1", "[]", "{}", "null", "''"])}`);
    steps.push(`repeat the key of line ${i + 1}`);
  }
  return Buffer.from(lines.join("\n"));
}

/** Nesting past the limit, or near it: flow brackets, block sequences on one line, block indentation. */
function deep(r: Random, b: Buffer, steps: string[]): Buffer {
  const text = b.toString("utf8");
  const n = r.next() < 0.8 ? r.pick([200, 255, 256, 257, 258, 300, 1000, 5000]) : r.pick([20_000, 100_000, 400_000]);
  const kind = r.int(5);
  const nest =
    kind === 0 ? `${"[".repeat(n)}${"]".repeat(n)}`
    : kind === 1 ? "[".repeat(n)
    : kind === 2 ? `${"{a: ".repeat(n)}1${"}".repeat(n)}`
    : kind === 3 ? `\n  ${"- ".repeat(Math.min(n, 100_000))}x`
    : `"${"[".repeat(n)}" # ${"{".repeat(n)}`;
  const lines = lineStarts(text);
  const at = r.pick(lines);
  const lineEnd = text.indexOf("\n", at);
  // After the key on that line, as its value, or as a line of its own.
  const colon = text.slice(at, lineEnd === -1 ? undefined : lineEnd).indexOf(": ");
  const where = colon >= 0 ? at + colon + 2 : at;
  steps.push(`nest ${n} deep (kind ${kind}) at char ${where}`);
  const rest = colon >= 0 ? text.slice(lineEnd === -1 ? text.length : lineEnd) : text.slice(where);
  return Buffer.from(text.slice(0, where) + nest + (colon >= 0 ? "" : "\n") + rest);
}

type Path = (string | number)[];

/** Paths of every node in the document (keys as they are in the file). */
function paths(doc: Document): Path[] {
  const out: Path[] = [];
  const walk = (node: unknown, path: Path) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const p = [...path, pair.key.value as string];
        out.push(p);
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        out.push([...path, i]);
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return out;
}

/** The realm's files parsed once: most structure edits start from an original file, and `yaml` is slow to parse. */
const parsed = new Map<string, Document>();
function parseOnce(text: string, original: boolean): Document {
  if (!original) return parseDocument(text, { uniqueKeys: false });
  let doc = parsed.get(text);
  if (!doc) parsed.set(text, (doc = parseDocument(text, { uniqueKeys: false })));
  return doc.clone();
}

function structure(r: Random, b: Buffer, steps: string[], marker: string, original?: string): Buffer {
  const doc = parseOnce(b.toString("utf8"), original !== undefined);
  if (doc.errors.length > 0 || !doc.contents) return byteFlips(r, b, steps);
  const all = paths(doc);
  if (all.length === 0) return truncate(r, b, steps);
  const path = r.pick(all);
  const op = r.int(8);
  const at = JSON.stringify(path);
  if (op === 0) {
    doc.deleteIn(path);
    steps.push(`delete ${at}`);
  } else if (op <= 3) {
    const value = r.pick(VALUES)();
    doc.setIn(path, doc.createNode(value));
    steps.push(`set ${at} to ${short(value)}`);
  } else if (op === 4) {
    // The value wrapped in a list or a map, or a list's first item in place of the list.
    const node = doc.getIn(path, true);
    const value = doc.getIn(path);
    const wrapped = r.next() < 0.5 ? [value] : isSeq(node) ? (node.items[0] ?? null) : { [r.pick(KEYS)]: value };
    doc.setIn(path, doc.createNode(wrapped));
    steps.push(`wrap ${at}`);
  } else if (op === 5) {
    // Another key beside this one: an unknown field, a near miss, or one of another file.
    const parent = path.slice(0, -1);
    const target = parent.length ? doc.getIn(parent, true) : doc.contents;
    const key = r.pick(KEYS);
    if (isMap(target)) target.set(doc.createNode(key), doc.createNode(r.pick(VALUES)()));
    steps.push(`add key ${short(key)} beside ${at}`);
  } else if (op === 6) {
    // The node's value becomes another node's (a type from elsewhere in the same file).
    const other = r.pick(all);
    doc.setIn(path, doc.createNode(structuredClone(doc.getIn(other) ?? null)));
    steps.push(`copy ${JSON.stringify(other)} to ${at}`);
  } else {
    return hostile(r, "", b, steps, marker, original !== undefined);
  }
  // Written out again as people might: block or flow, with or without comments.
  const flow = r.next() < 0.2;
  return Buffer.from(doc.toString({ collectionStyle: flow ? "flow" : "any", lineWidth: r.pick([0, 20, 80]) }));
}

/** The file's commands and hook paths (or a new one) pointed at something not consented to. */
function hostile(r: Random, file: string, b: Buffer, steps: string[], marker: string, original: boolean): Buffer {
  const doc = parseOnce(b.toString("utf8"), original);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return insertSyntax(r, b, steps);
  const command = r.pick(hostileCommands(marker));
  if (doc.has("exports") || doc.has("role") || file.includes("/bindings/")) {
    const exports = doc.get("exports");
    const n = isSeq(exports) ? exports.items.length : 0;
    const i = r.int(n + 1);
    if (i === n) {
      doc.setIn(["exports", i], doc.createNode({ contract: r.pick(["s3-permissions", "training-metrics", "other"]), extract: { command } }));
    } else doc.setIn(["exports", i, "extract"], doc.createNode({ command }));
    if (r.next() < 0.2) doc.setIn(["exports", i, "contract"], r.pick(["s3-permissions", "training-metrics"]));
    steps.push(`exports[${i}].extract.command = ${short(command)}`);
  } else {
    const field = r.pick(["exporter", "importer", "ci_only"]);
    const path = typeof command === "string" ? command : (command as string[])[0]!;
    const value = field === "ci_only" ? [path, r.pick(["bin/validate.sh", "bin/sentinel.sh"])] : path;
    doc.setIn(["validation", field], doc.createNode(value));
    steps.push(`validation.${field} = ${short(value)}`);
  }
  return Buffer.from(doc.toString());
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) out.push(i + 1);
  return out;
}

function short(v: unknown): string {
  const s = typeof v === "bigint" ? String(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s;
}
