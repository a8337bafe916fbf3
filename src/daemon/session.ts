// A CLI session is "this shell working in this repo": its id is derived from the parent process (the user's
// shell) and the repo, so repeated commands refresh one session, and the daemon drops it when the shell exits.
import { hostname } from "node:os";
import { quickMember, type Member } from "../realm/member.ts";
import { checkedOutBranch, findRepoRoot } from "../system/repo-root.ts";

export function cliSession(member: Member) {
  const pid = process.ppid;
  const id = `cli-${new Bun.CryptoHasher("sha1").update(`${hostname()}:${pid}:${member.root}`).digest("hex").slice(0, 12)}`;
  const branch = checkedOutBranch(member.root) ?? undefined;
  return { id, pid, client_id: `cli:${pid}`, repo: member.config.repo, realm: member.config.realm.name, repo_path: member.root, branch };
}

/**
 * Refresh this shell's session if a daemon is already running; never start one (a `check` in CI must not
 * leave a background process) and never fail the command. Runs beside the command.
 */
export async function refreshSessionIfRunning(dir: string = process.cwd()): Promise<void> {
  try {
    const root = findRepoRoot(dir);
    const member = root && (quickMember(root) ?? (await import("../realm/workspace.ts")).readMember(root));
    if (!member) return;
    const { ensureDaemon, body } = await import("./client.ts");
    const { client } = await ensureDaemon({ start: false });
    await body(await client.sessions.$post({ json: cliSession(member) }));
  } catch {
    // No daemon, no member repo, or a broken config (the command itself reports that): nothing to refresh.
  }
}
