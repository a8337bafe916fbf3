// What this machine consented to, kept in $BLUE_HOME/trust.json (mode 0600) and never in the realm: commands
// approved with `blue realm trust`, and the forge hosts each realm's token may go to (DESIGN.md §7). Written to a
// temp file and renamed, under a lock, so two blue processes never lose each other's approvals.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { TrustedCommand } from "../realm/schema.ts";
import { decide, type Consent } from "./consent.ts";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { withLock } from "../system/lock.ts";

export const Approval = TrustedCommand.extend({
  approved_at: z.string(),
  /** The realm commit that last set the command when it was approved, and its author: what was reviewed. */
  commit: z.string().nullable().default(null),
  author: z.string().nullable().default(null),
});
export type Approval = z.infer<typeof Approval>;

export const RealmTrust = z.strictObject({
  commands: z.array(Approval).default([]),
  /** host[:port] of forge APIs this realm's token may be sent to, beyond the host of the realm's own URL. */
  forge_hosts: z.array(z.string()).default([]),
});
export type RealmTrust = z.infer<typeof RealmTrust>;

export const TrustFile = z.strictObject({ realms: z.record(z.string(), RealmTrust).default({}) });
export type TrustFile = z.infer<typeof TrustFile>;

export const TRUST_FILE = "trust.json";

export function trustPath(home: string): string {
  return join(home, TRUST_FILE);
}

export function readTrust(home: string): TrustFile {
  const path = trustPath(home);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { realms: {} };
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path}: not JSON`, `This file holds what you approved with 'blue realm trust'; fix it, or remove it and approve again.`);
  }
  const parsed = TrustFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${path}: ${issue.path.join(".") || "(top)"}: ${issue.message}`, `This file holds what you approved with 'blue realm trust'; fix it, or remove it and approve again.`);
  }
  return parsed.data;
}

export function realmTrust(home: string, realm: string): RealmTrust {
  return readTrust(home).realms[realm] ?? { commands: [], forge_hosts: [] };
}

/** Read, change and write trust.json under its lock; returns what `change` returned. */
export async function updateTrust<T>(home: string, change: (t: TrustFile) => T): Promise<T> {
  const path = trustPath(home);
  return withLock(`${path}.lock`, async () => {
    const t = readTrust(home);
    const out = change(t);
    writeFileAtomic(path, `${JSON.stringify(t, null, 2)}\n`, 0o600);
    return out;
  });
}

export function realmEntry(t: TrustFile, realm: string): RealmTrust {
  t.realms[realm] ??= { commands: [], forge_hosts: [] };
  return t.realms[realm];
}

/** Pin a forge host for a realm on this machine (init and join record theirs; `blue realm trust --forge-host`). */
export async function pinForgeHost(home: string, realm: string, host: string): Promise<void> {
  await updateTrust(home, (t) => {
    const e = realmEntry(t, realm);
    if (!e.forge_hosts.includes(host)) e.forge_hosts.push(host);
  });
}

/** This machine's consent for one realm: the repo's pins first, then the approvals in trust.json, read when a
 *  command is first asked about (a realm that names no command never reads the file). */
export function machineConsent(home: string, realm: string, pins: readonly TrustedCommand[] = []): Consent {
  let approvals: Approval[] | undefined;
  return (use) => decide(use, pins, (approvals ??= realmTrust(home, realm).commands));
}
