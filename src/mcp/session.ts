// The daemon session an MCP server holds while its client is connected: registered at start (starting the
// daemon if needed, as status does), refreshed on every tool call, deleted when the client goes. Without a
// daemon the tools still work; the session is then simply missing.
import { hostname } from "node:os";
import type { SessionInput } from "../daemon/api.ts";
import type { Member } from "../realm/workspace.ts";
import { checkedOutBranch } from "../system/repo-root.ts";

/** One session per MCP server process and repo; the pid is this process, so a killed server's session is
 *  removed when the daemon next starts. */
export function mcpSession(member: Member, clientName?: string): SessionInput {
  const pid = process.pid;
  const id = `mcp-${new Bun.CryptoHasher("sha1").update(`${hostname()}:${pid}:${member.root}`).digest("hex").slice(0, 12)}`;
  const branch = checkedOutBranch(member.root) ?? undefined;
  return { id, pid, client_id: `mcp:${clientName ?? "unknown"}`, repo: member.config.repo, realm: member.config.realm.name, repo_path: member.root, branch };
}

export type HeldSession = {
  /** The session as it is registered now (undefined outside a member repo). */
  current(): SessionInput | undefined;
  /** Settles once the first registration has been tried. */
  ready: Promise<void>;
  /** Mark activity (and the client's name, once known); never fails. */
  touch(clientName?: string): Promise<void>;
  /** Delete the session from the daemon; never fails. */
  release(): Promise<void>;
};

export function holdSession(member: Member | undefined, log: (line: string) => void): HeldSession {
  let session = member && mcpSession(member);
  let registered = false;
  const post = async (start: boolean) => {
    if (!session) return;
    const { ensureDaemon, body } = await import("../daemon/client.ts");
    const { client } = await ensureDaemon({ start });
    await body(await client.sessions.$post({ json: session }));
    registered = true;
  };
  const ready = post(true).catch((e) => log(`no daemon session (tools work without one): ${(e as Error).message}`));
  return {
    current: () => session,
    ready,
    async touch(clientName) {
      // Made again on every touch: the client's name once known, and the branch the repo has checked out now.
      if (member) session = mcpSession(member, clientName ?? session?.client_id?.replace(/^mcp:/, ""));
      await post(false).catch(() => undefined);
    },
    async release() {
      if (!session || !registered) return;
      try {
        const { ensureDaemon } = await import("../daemon/client.ts");
        const { client } = await ensureDaemon({ start: false });
        await client.sessions[":id"].$delete({ param: { id: session.id } });
      } catch (e) {
        log(`could not end the daemon session: ${(e as Error).message}`);
      }
    },
  };
}
