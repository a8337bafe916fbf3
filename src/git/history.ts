// Reading a realm's history: the last published state (origin/main, else HEAD), which contract files changed
// since, and a contract file as it was at a given version.
import { parse } from "yaml";
import { git, REALM_BRANCH } from "./realm-repo.ts";

const MAX_COMMITS = 500;

export async function publishedRef(dir: string): Promise<string | undefined> {
  const g = git(dir);
  for (const ref of [`origin/${REALM_BRANCH}`, "HEAD"]) {
    const out = await g.raw(["rev-parse", "--verify", "-q", ref]).catch(() => "");
    if (out.trim()) return out.trim();
  }
  return undefined;
}

/** Contract files whose working-tree content differs from `ref`. */
export async function changedContractFiles(dir: string, ref: string): Promise<string[]> {
  const out = await git(dir).raw(["diff", "--name-only", ref, "--", "domains"]);
  return out.split("\n").filter((f) => /^domains\/[^/]+\/contracts\/[^/]+\.ya?ml$/.test(f));
}

export async function fileAt(dir: string, ref: string, path: string): Promise<string | undefined> {
  return git(dir)
    .raw(["show", `${ref}:${path}`])
    .then((t) => t, () => undefined);
}

/** The contract file's data as of the newest commit where its `version` was `version`. */
export async function contractAtVersion(dir: string, path: string, version: string): Promise<Record<string, unknown> | undefined> {
  const commits = (await git(dir).raw(["log", `-n${MAX_COMMITS}`, "--format=%H", "--", path]).catch(() => "")).split("\n").filter(Boolean);
  for (const c of commits) {
    const text = await fileAt(dir, c, path);
    if (!text) continue;
    try {
      const data = parse(text) as Record<string, unknown>;
      if (data?.version === version) return data;
    } catch {}
  }
  return undefined;
}
