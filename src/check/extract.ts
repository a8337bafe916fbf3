// Reads the value a provider's code exports (DESIGN.md §4): a JSON/YAML file and a JSON pointer into it, or a
// command in the repo that prints JSON. Paths are confined to the repo: no '..', no absolute path, no symlink
// that leads outside. Commands run as an argv, never through a shell, with the repo root as cwd and a timeout,
// and only past the caller's gate: the realm names them, so this machine must have consented (trust/consent.ts).
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { BlueError, ConfigError, formatProblem } from "../errors.ts";
import { runBounded } from "../system/subprocess.ts";
import { parsePointer, valueAt } from "../realm/pointer.ts";
import type { ExportBinding } from "../realm/schema.ts";
import type { Cache, SourceStamp } from "../store/cache-db.ts";
import { sha256 } from "../store/hash.ts";
import { jsonBreach } from "../yaml/limits.ts";
import { parseData, readText } from "../yaml/source.ts";

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The absolute path of `rel` inside `root`, refusing anything that resolves outside it. */
export function confinedPath(root: string, rel: string, what: string): string {
  if (isAbsolute(rel) || rel.split(/[\\/]/).includes("..")) {
    throw new ConfigError(`${what} '${rel}' must be a relative path inside the repo, without '..'`, "Name a file of this repo by its path from the repo's top level.");
  }
  const abs = join(root, rel);
  if (!existsSync(abs)) throw new BlueError(`${what} '${rel}' does not exist in ${root}`, "Create it, or change the path with 'blue realm export'.");
  const real = realpathSync(abs);
  const inside = relative(realpathSync(root), real);
  if (inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
    throw new ConfigError(`${what} '${rel}' leads outside the repo (symlink to ${real})`, "Name a file inside the repo (a symlink may not lead out of it).");
  }
  return real;
}

/** The value at `pointer` in `doc` ("" or "/" is the whole document); undefined when a segment is missing. */
export function getPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "" || pointer === "/") return doc;
  return valueAt(doc, parsePointer(pointer.startsWith("/") ? pointer : `/${pointer}`) ?? []);
}

export type Extracted = { value: unknown; sources: string[] };

export type ExtractOptions = {
  /** Throws when the binding's extract command may not run on this machine (trust/consent.ts extractGate). */
  gate: (exp: ExportBinding) => void;
  timeoutMs?: number;
};

/** The exported value, or undefined when the binding does not say how to read it. */
export async function extractExport(root: string, exp: ExportBinding, opts: ExtractOptions): Promise<Extracted | undefined> {
  const how = exp.extract;
  if (!how) return undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if ("file" in how) {
    const read = readText(confinedPath(root, how.file, "extract.file"), how.file);
    if ("problem" in read) throw new ConfigError(formatProblem(read.problem), "Fix the file at that place, then run the command again.");
    const doc = parseData(how.file, read.text);
    const value = getPointer(doc, how.pointer);
    if (value === undefined) throw new ConfigError(`${how.file}: no value at JSON pointer '${how.pointer}' (extract of ${exp.contract})`, "Fix the pointer with 'blue realm export CONTRACT --extract FILE:/POINTER', or the file.");
    return { value, sources: [how.file] };
  }
  opts.gate(exp);
  const argv = typeof how.command === "string" ? [how.command] : how.command;
  const program = argv[0]!;
  // A repo-relative program is confined to the repo; a bare name (node, python3) is looked up on PATH.
  const exe = program.includes("/") ? confinedPath(root, program, "extract.command") : program;
  const run = await runBounded([exe, ...argv.slice(1)], { cwd: root, timeoutMs });
  if (run.timedOut) throw new BlueError(`extract command '${argv.join(" ")}' for ${exp.contract} timed out after ${timeoutMs / 1000}s`, "Make the command faster, or give it more time with --hook-timeout.");
  if (run.code !== 0) throw new BlueError(`extract command '${argv.join(" ")}' for ${exp.contract} exited ${run.code}: ${run.stderr.trim().split("\n")[0] ?? ""}`, "Run the command yourself in the repo to see why it fails.");
  const out = run.stdout;
  const breach = jsonBreach(out);
  if (breach) throw new BlueError(`extract command '${argv.join(" ")}' for ${exp.contract} printed JSON ${breach.message}`, "The command must print one JSON value within blue's limits (docs/cli/realm.md#limits).");
  try {
    return { value: JSON.parse(out), sources: exp.source_files };
  } catch {
    throw new BlueError(`extract command '${argv.join(" ")}' for ${exp.contract} did not print JSON`, "Run the command yourself in the repo: it must print one JSON value on stdout.");
  }
}

/** extractExport through the export cache: reused while every source file keeps its mtime and content hash.
 *  A file extract's source is its file; a command's are the binding's source_files (with none, nothing says
 *  when its output changes, so it runs every time). Failures are never cached. */
export async function extractExportCached(root: string, exp: ExportBinding, cache: Cache, opts: ExtractOptions): Promise<Extracted | undefined> {
  const how = exp.extract;
  if (!how) return undefined;
  // A command's cached output is what the command printed: it is reused only while the command may still run.
  if ("command" in how) opts.gate(exp);
  const files = "file" in how ? [how.file] : exp.source_files;
  const stamps = cache.enabled && files.length > 0 ? sourceStamps(root, files) : undefined;
  if (!stamps) return extractExport(root, exp, opts);
  const key = JSON.stringify({ extract: how, sources: files });
  const hit = cache.getExport(key, stamps);
  if (hit) return { value: hit.value, sources: files };
  const extracted = await extractExport(root, exp, opts);
  if (extracted) cache.putExport(key, stamps, extracted.value);
  return extracted;
}

/** mtime and content hash of each file; undefined when one cannot be read (extraction then says why). */
function sourceStamps(root: string, files: readonly string[]): SourceStamp[] | undefined {
  try {
    return files.map((f) => {
      const abs = confinedPath(root, f, "source file");
      return { path: f, mtime: statSync(abs).mtimeMs, hash: sha256(readFileSync(abs)) };
    });
  } catch {
    return undefined;
  }
}

/** A provider's `schema_file`: a JSON Schema (JSON or YAML) inside the repo, read within blue's limits. */
export function readSchemaFile(root: string, rel: string): Record<string, unknown> {
  const read = readText(confinedPath(root, rel, "schema_file"), rel);
  if ("problem" in read) throw new ConfigError(formatProblem(read.problem), "Fix the file at that place, then run the command again.");
  const schema = parseData(rel, read.text);
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) throw new ConfigError(`${rel}: a JSON Schema must be an object`, "Make the schema file one JSON object (a JSON Schema).");
  return schema as Record<string, unknown>;
}
