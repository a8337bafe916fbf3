// A CLI session is "this shell working in this repo": its id is derived from the parent process (the user's
// shell) and the repo, so repeated commands refresh one session, and the daemon drops it when the shell exits.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import type { Member } from "../workspace.ts";

export function cliSession(member: Member) {
  const pid = process.ppid;
  const id = `cli-${createHash("sha1").update(`${hostname()}:${pid}:${member.root}`).digest("hex").slice(0, 12)}`;
  return { id, pid, client_id: `cli:${pid}`, repo: member.config.repo, realm: member.config.realm.name, repo_path: member.root };
}
