// The commit a checkout has out, by one `git rev-parse` (no simple-git: a read-only command need not load it).
import { runBounded } from "../system/subprocess.ts";

export async function headCommit(dir: string): Promise<string | undefined> {
  const r = await runBounded(["git", "rev-parse", "--verify", "-q", "HEAD"], { cwd: dir, timeoutMs: 30_000 }).catch(() => undefined);
  const sha = r?.code === 0 ? r.stdout.trim() : "";
  return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}
