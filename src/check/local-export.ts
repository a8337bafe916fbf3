// What a provider's code gives for a contract it owns, as its export binding says to read it: the value (extract:)
// and the schema (schema_file:, else none). Compatibility mode compares it with the published version, as sync will.
import type { ExportBinding } from "../realm/schema.ts";
import type { Cache } from "../store/cache-db.ts";
import type { DepRecorder } from "../store/report-cache.ts";
import { extractExportCached, readSchemaFile, type ExtractOptions } from "./extract.ts";

export type LocalExport = {
  value: unknown;
  /** The files the value was read from (a command's source_files; none for a command without them). */
  sources: string[];
  /** The provider's schema_file, read, when the binding names one. */
  schema?: { file: string; schema: Record<string, unknown> };
};

/** The export as the repo's code has it; undefined when the binding has no extract:. Each file it depends on is
 *  told to `deps` before it is read (a command without source_files makes the report unrepeatable). */
export async function readLocalExport(repoRoot: string, exp: ExportBinding, cache: Cache, opts: ExtractOptions & { deps?: DepRecorder }): Promise<LocalExport | undefined> {
  const how = exp.extract;
  if (!how) return undefined;
  if ("file" in how) opts.deps?.path(repoRoot, how.file);
  else if (exp.source_files.length === 0) opts.deps?.volatile(`the extract command of ${exp.contract} has no source_files`);
  for (const src of exp.source_files) opts.deps?.path(repoRoot, src);
  if (exp.schema_file) opts.deps?.path(repoRoot, exp.schema_file);
  const extracted = await extractExportCached(repoRoot, exp, cache, opts);
  if (!extracted) return undefined;
  return {
    value: extracted.value,
    sources: extracted.sources,
    ...(exp.schema_file ? { schema: { file: exp.schema_file, schema: readSchemaFile(repoRoot, exp.schema_file) } } : {}),
  };
}
