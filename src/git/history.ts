// Reading a realm's history: the last published state (origin/main, else HEAD), which contract files changed
// since, and a contract file as it was at a given version. Many files are read by one `git cat-file --batch`.
import { parse } from "yaml";
import { GitError } from "../errors.ts";
import { fastParse } from "../realm/yaml-fast.ts";

// The branch realms publish on (realm-repo.ts has the same constant; importing it would load simple-git, which
// costs a check more than the few read-only git calls here).
const REALM_BRANCH = "main";

/** A read-only git command's stdout; when it fails, "" (a missing ref, no commits yet) or, if `strict`, a GitError. */
async function gitOut(dir: string, args: string[], strict = false): Promise<string> {
  const proc = Bun.spawn(["git", ...args], { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0 && strict) throw new GitError(`git ${args.join(" ")} failed in ${dir}: ${err.trim().split("\n")[0] ?? ""}`);
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

/** The contract file's data as of the newest commit where its `version` was `version`. */
export async function contractAtVersion(dir: string, path: string, version: string): Promise<Record<string, unknown> | undefined> {
  return (await contractHistory(dir, path, version)).get(version);
}

/** Each version the contract file had in the last MAX_COMMITS commits that touched it, as of the newest commit
 *  with that version; all read by two git processes. With `until`, stops once that version is found. */
export async function contractHistory(dir: string, path: string, until?: string): Promise<Map<string, Record<string, unknown>>> {
  const commits = (await gitOut(dir, ["log", `-n${MAX_COMMITS}`, "--format=%H", "--", path])).split("\n").filter(Boolean);
  const blobs = await readBlobs(dir, commits.map((c) => `${c}:${path}`));
  const versions = new Map<string, Record<string, unknown>>();
  for (const c of commits) {
    const text = blobs.get(`${c}:${path}`);
    if (!text) continue;
    try {
      const data = (fastParse(text) ?? parse(text)) as Record<string, unknown>;
      const v = data?.version;
      if (typeof v === "string" && !versions.has(v)) versions.set(v, data);
      if (v === until) break;
    } catch {}
  }
  return versions;
}

/** Several files as of `ref`, read by one `git cat-file --batch` instead of one `git show` each. Missing: absent. */
export async function filesAt(dir: string, ref: string, paths: readonly string[]): Promise<Map<string, string>> {
  const blobs = await readBlobs(dir, paths.map((p) => `${ref}:${p}`));
  return new Map(paths.flatMap((p) => (blobs.has(`${ref}:${p}`) ? [[p, blobs.get(`${ref}:${p}`)!] as const] : [])));
}

/** Blobs named `<rev>:<path>`, by one `git cat-file --batch`. */
async function readBlobs(dir: string, specs: readonly string[]): Promise<Map<string, string>> {
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
