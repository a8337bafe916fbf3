// Reading a realm's history: the last published state (origin/main, else HEAD), which contract files changed
// since, and a contract file as it was at a given version. Many files are read by one `git cat-file --batch`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GitError } from "../errors.ts";
import { parseData } from "../yaml/source.ts";

// The branch realms publish on (realm-repo.ts has the same constant; importing it would load that module and
// what it imports, which costs a check more than the few read-only git calls here).
const REALM_BRANCH = "main";

/** A read-only git command's stdout; when it fails, "" (a missing ref, no commits yet) or, if `strict`, a GitError. */
async function gitOut(dir: string, args: string[], strict = false): Promise<string> {
  const proc = Bun.spawn(["git", ...args], { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0 && strict) throw new GitError(`git ${args.join(" ")} failed in ${dir}: ${err.trim().split("\n")[0] ?? ""}`, `Run git ${args[0]} in ${dir} yourself to see what git says.`);
  return code === 0 ? out : "";
}

const MAX_COMMITS = 500;

/** The last published state (origin/main, else HEAD; undefined before the first commit) and what the contract
 *  cache is keyed on (either of them moving invalidates it). Both refs are resolved at once. */
export async function publishedState(dir: string): Promise<{ published: string | undefined; commit: string }> {
  const [origin, head] = (await Promise.all([`origin/${REALM_BRANCH}`, "HEAD"].map((ref) => gitOut(dir, ["rev-parse", "--verify", "-q", ref])))).map((o) => o.trim());
  const published = origin || head || undefined;
  return { published, commit: published && published !== head ? `${head}+${published}` : head! };
}

/** Contract files whose working-tree content differs from `ref`. */
export async function changedContractFiles(dir: string, ref: string): Promise<string[]> {
  const out = await gitOut(dir, ["diff", "--name-only", ref, "--", "domains"], true);
  return out.split("\n").filter((f) => /^domains\/[^/]+\/contracts\/[^/]+\.ya?ml$/.test(f));
}

/** Those of the files whose working-tree text is the same as at `ref` (an untracked file is not), read by one git process. */
export async function unchangedFiles(dir: string, ref: string, files: readonly string[]): Promise<Set<string>> {
  if (files.length === 0) return new Set();
  const texts = await filesAt(dir, ref, files);
  return new Set(files.filter((f) => texts.has(f) && texts.get(f) === readText(join(dir, f))));
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The contract file's data as of the newest commit where its `version` was `version`. */
export async function contractAtVersion(dir: string, path: string, version: string): Promise<Record<string, unknown> | undefined> {
  return (await contractHistory(dir, path, version)).get(version);
}

/** Each version the contract file had in the last MAX_COMMITS commits that touched it, as of the newest commit
 *  with that version; all read by two git processes. With `until`, stops once that version is found. */
export async function contractHistory(dir: string, path: string, until?: string): Promise<ContractVersions> {
  const commits = (await gitOut(dir, ["log", `-n${MAX_COMMITS}`, "--format=%H", "--", path])).split("\n").filter(Boolean);
  const blobs = await readBlobs(dir, commits.map((c) => `${c}:${path}`));
  return new ContractVersions(commits.flatMap((c) => blobs.get(`${c}:${path}`) ?? []), until);
}

/** A contract file's texts in history, newest first, by version. Which version a text has is read from its
 *  top-level `version:` line when that line is plain, and a text is parsed only when its data is asked for: a
 *  comparison of two versions of a 2,000-property contract parsed three 128 KB files before, now two. */
export class ContractVersions {
  private readonly newest = new Map<string, string>();
  private exact: Map<string, Record<string, unknown>> | undefined;

  constructor(
    private readonly texts: readonly string[],
    until?: string,
  ) {
    for (const text of texts) {
      const v = sniffVersion(text) ?? versionOf(parseQuietly(text));
      if (v !== undefined && !this.newest.has(v)) this.newest.set(v, text);
      if (v === until) break;
    }
  }

  get(version: string): Record<string, unknown> | undefined {
    const text = this.newest.get(version);
    const data = text === undefined ? undefined : parseQuietly(text);
    if (data && versionOf(data) === version) return data;
    // Not found, or the line read was not the top-level version (a multi-line scalar can hold such a line):
    // every text is parsed, and the answer is the exact one.
    if (!this.exact) {
      this.exact = new Map();
      for (const t of this.texts) {
        const d = parseQuietly(t);
        const v = versionOf(d);
        if (d && v !== undefined && !this.exact.has(v)) this.exact.set(v, d);
      }
    }
    return this.exact.get(version);
  }
}

const PLAIN_VERSION = /^version[ \t]*:[ \t]*(?:"([0-9A-Za-z.+-]+)"|'([0-9A-Za-z.+-]+)'|([0-9A-Za-z.+-]+))[ \t]*(?:#.*)?$/;

/** The value of the one top-level `version:` line, when it is a plain or quoted version; else undefined.
 *  (Found with indexOf: a multi-line regex over a 128 KB text cost ~10 ms.) */
export function sniffVersion(text: string): string | undefined {
  let found: string | undefined;
  for (let at = text.startsWith("version") ? 0 : text.indexOf("\nversion"); at !== -1; at = text.indexOf("\nversion", at + 1)) {
    const start = text[at] === "\n" ? at + 1 : at;
    const end = text.indexOf("\n", start);
    const line = text.slice(start, end === -1 ? undefined : text[end - 1] === "\r" ? end - 1 : end);
    if (!/^version[ \t]*:/.test(line)) continue;
    if (found !== undefined) return undefined;
    found = line;
  }
  const m = found === undefined ? null : PLAIN_VERSION.exec(found);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function versionOf(data: Record<string, unknown> | undefined): string | undefined {
  return typeof data?.version === "string" ? data.version : undefined;
}

/** A YAML text's top-level mapping (Bun's parser when the text is plain, else `yaml`); undefined when it does
 *  not parse to one, or goes past blue's limits (an old version in history is as untrusted as the current one). */
export function parseQuietly(text: string): Record<string, unknown> | undefined {
  try {
    const data = parseData("history.yaml", text);
    return data && typeof data === "object" ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Several files as of `ref`, read by one `git cat-file --batch` instead of one `git show` each. Missing: absent. */
export async function filesAt(dir: string, ref: string, paths: readonly string[]): Promise<Map<string, string>> {
  const blobs = await readBlobs(dir, paths.map((p) => `${ref}:${p}`));
  return new Map(paths.flatMap((p) => (blobs.has(`${ref}:${p}`) ? [[p, blobs.get(`${ref}:${p}`)!] as const] : [])));
}

/** Blobs named `<rev>:<path>` (or by object id), by one `git cat-file --batch`. Missing: absent. */
export async function readBlobs(dir: string, specs: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (specs.length === 0) return out;
  const proc = Bun.spawn(["git", "cat-file", "--batch"], { cwd: dir, stdin: "pipe", stdout: "pipe", stderr: "ignore" });
  proc.stdin.write(specs.map((s) => `${s}\n`).join(""));
  await proc.stdin.end();
  const bytes = new Uint8Array(await new Response(proc.stdout).arrayBuffer());
  await proc.exited;
  // Each answer: "<oid> <type> <size>\n<content>\n", or "<object> missing\n".
  const decoder = new TextDecoder();
  let at = 0;
  for (const spec of specs) {
    const nl = bytes.indexOf(10, at);
    if (nl < 0) break;
    const header = decoder.decode(bytes.subarray(at, nl));
    at = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue;
    const size = Number(m[2]);
    if (m[1] === "blob") out.set(spec, decoder.decode(bytes.subarray(at, at + size)));
    at += size + 1;
  }
  return out;
}

export type FileChange = { commit: string; author: string; date: string };

/** The last commit that changed `path` in the realm's working history (HEAD), with its author: what set the
 *  file's current content. Undefined for a file git does not know yet. */
export async function lastChange(dir: string, path: string): Promise<FileChange | undefined> {
  const out = (await gitOut(dir, ["log", "-1", "--format=%H%x00%an <%ae>%x00%cI", "--", path])).trim();
  if (!out) return undefined;
  const [commit, author, date] = out.split("\0");
  return { commit: commit!, author: author!, date: date! };
}

/** The version each file has on each open sync branch of its owner (`origin/sync/<owner>/…`): versions proposed
 *  and not merged yet (a merged branch that was not deleted gives a version main already has). Two git processes. */
export async function proposedVersions(dir: string, files: readonly { file: string; owner: string }[]): Promise<{ file: string; branch: string; version: string }[]> {
  const branches = (await gitOut(dir, ["for-each-ref", "--format=%(refname:lstrip=3)", "refs/remotes/origin/sync/"])).split("\n").filter(Boolean);
  const wanted = branches.flatMap((branch) => files.filter((f) => branch.startsWith(`sync/${f.owner}/`)).map((f) => ({ branch, file: f.file, spec: `origin/${branch}:${f.file}` })));
  const blobs = await readBlobs(dir, wanted.map((w) => w.spec));
  return wanted.flatMap(({ branch, file, spec }) => {
    const text = blobs.get(spec);
    const version = text === undefined ? undefined : (sniffVersion(text) ?? versionOf(parseQuietly(text)));
    return version ? [{ file, branch, version }] : [];
  });
}
