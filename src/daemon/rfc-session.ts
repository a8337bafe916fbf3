// The active RFC of a coordinated change, recorded on each repo's session in the daemon (DESIGN.md §5). The
// session is this shell's session in the repo's worktree (cliSession's id for that directory), so commands run
// in the worktree refresh the same session and `blue realm status` shows "working on <rfc>".
import type { LocalConfig } from "../realm/schema.ts";
import { body, ensureDaemon } from "./client.ts";
import { cliSession } from "./session.ts";

export type RfcSessionTarget = { repo: string; worktree: string };
export type RfcSessionResult = { recorded: boolean; error: string | null };

function sessionFor(realm: LocalConfig["realm"], t: RfcSessionTarget) {
  return cliSession({ root: t.worktree, configPath: "", config: { realm, repo: t.repo } });
}

/** Set (rfc) or clear (null: the session is deregistered) the active RFC; starts the daemon if needed. Never throws. */
export async function recordActiveRfc(realm: LocalConfig["realm"], targets: readonly RfcSessionTarget[], rfc: string | null): Promise<RfcSessionResult> {
  if (targets.length === 0) return { recorded: true, error: null };
  try {
    const { client } = await ensureDaemon({ start: true });
    for (const t of targets) {
      const s = sessionFor(realm, t);
      if (rfc) await body(await client.sessions.$post({ json: { ...s, active_rfc: rfc } }));
      else {
        const res = await client.sessions[":id"].$delete({ param: { id: s.id } });
        if (!res.ok && res.status !== 404) await body(res);
      }
    }
    return { recorded: true, error: null };
  } catch (e) {
    return { recorded: false, error: (e as Error).message };
  }
}
