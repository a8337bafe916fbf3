// Tell the local daemon about a contract version at once, if one is running (never start one for this):
// sessions on this machine see it without waiting for the daemon's next fetch.
import { body, ensureDaemon } from "./client.ts";
import { fitChanges } from "./wire.ts";

export async function notifyDaemon(n: {
  realm: string;
  from_repo: string;
  clone: string;
  url: string;
  domain: string;
  contract: string;
  version: string;
  breaking: boolean;
  changes: string[];
  recipients: string[];
}): Promise<boolean> {
  try {
    const { client } = await ensureDaemon({ start: false });
    await body(
      await client.notifications.$post({
        json: { realm: n.realm, domain: n.domain, contract: n.contract, from_repo: n.from_repo, change_type: n.breaking ? "breaking" : "updated", version: n.version, changes: fitChanges(n.changes), recipients: n.recipients },
      }),
    );
    return true;
  } catch {
    return false;
  }
}

/** Clear this machine's notifications of versions the repo just acknowledged (its sync resolved them), if a
 *  daemon runs; other machines clear them when they fetch the acknowledgement. */
export async function acknowledgeInDaemon(realm: string, repo: string, acks: readonly { domain: string; contract: string; version: string }[]): Promise<void> {
  if (acks.length === 0) return;
  try {
    const { client } = await ensureDaemon({ start: false });
    for (const a of acks) {
      await body(await client.realms[":name"].repos[":repo"].ack.$post({ param: { name: realm, repo }, json: { up_to: a } }));
    }
  } catch {
    // No daemon (or one that does not know the realm yet): nothing to clear here.
  }
}
