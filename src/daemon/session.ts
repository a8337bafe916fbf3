// A CLI session is "this shell working in this repo": its id is derived from the parent process (the user's
// shell) and the repo, so repeated commands refresh one session, and the daemon drops it when the shell exits.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import type { Member } from "../workspace.ts";
import { body, type Connection } from "./client.ts";

export function cliSession(member: Member) {
  const pid = process.ppid;
  const id = `cli-${createHash("sha1").update(`${hostname()}:${pid}:${member.root}`).digest("hex").slice(0, 12)}`;
  return { id, pid, client_id: `cli:${pid}`, repo: member.config.repo, realm: member.config.realm.name, repo_path: member.root };
}

/** Tell the daemon about the realm and refresh this shell's session in it. */
export async function registerSession(conn: Connection, member: Member, clone: string, extra: { active_rfc?: string; active_domains?: string[] } = {}) {
  const { client } = conn;
  await body(await client.realms.$post({ json: { name: member.config.realm.name, url: member.config.realm.url, local_path: clone } }));
  return (await body(await client.sessions.$post({ json: { ...cliSession(member), ...extra } }))).session;
}
