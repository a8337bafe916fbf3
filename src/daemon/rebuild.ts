// After a daemon.db that could not be read was replaced: what it held is rebuilt from the realms cloned on this
// machine ($BLUE_HOME/realms). Each is tracked again (at the URL its clone fetches from) and read as a fetch reads
// it, so the notifications it owes (versions its importers have not resolved, versions proposed on open sync
// branches) are derived again. Sessions come back as each shell's next command registers it. Not rebuilt: the
// dismissals made with `blue realm ack`, and ownership warnings already shown.
import { git } from "../git/realm-repo.ts";
import type { DaemonDb, Recovery } from "../store/daemon-db.ts";
import { clonedRealms, realmClonePath } from "../system/home.ts";
import type { createApp } from "./app.ts";

/** The one line the user is told (by the next command; the daemon logs it too). */
export function recoveryNotice(dbPath: string, r: Recovery): string {
  return `${dbPath} was unreadable (${r.reason}); moved to ${r.moved_to}; sessions and notifications are rebuilt from the realms`;
}

export async function rebuildFromClones(db: DaemonDb, app: Pick<ReturnType<typeof createApp>, "syncRealm">, log: (m: string) => void): Promise<void> {
  for (const name of clonedRealms()) {
    const localPath = realmClonePath(name);
    try {
      const url = (await git(localPath).raw(["config", "--get", "remote.origin.url"]).catch(() => "")).trim();
      if (!url) continue; // not a realm clone blue made: nothing says where the realm is
      db.upsertRealm({ name, url, local_path: localPath });
      const done = await app.syncRealm(name, localPath);
      log(`rebuilt realm ${name} from its clone: ${done.notifications} notification(s)`);
    } catch (e) {
      log(`rebuilding realm ${name} from its clone failed: ${(e as Error).message.split("\n")[0]}`);
    }
  }
}
