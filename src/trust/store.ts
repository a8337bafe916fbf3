// What this machine consented to, kept in $BLUE_HOME/trust.json (mode 0600) and never in the realm: commands
// approved with `blue realm trust`, and the forge hosts each realm's token may go to (DESIGN.md §7). Written to a
// temp file and renamed, under a lock, so two blue processes never lose each other's approvals. A file that
// cannot be read is set aside and the user told what was lost; nothing in it is ever guessed back.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { TrustedCommand } from "../realm/schema.ts";
import { decide, type Consent } from "./consent.ts";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { withLock } from "../system/lock.ts";
import { moveAside } from "../system/move-aside.ts";
import { notice } from "../system/notice.ts";
import { ensurePrivateDir, PRIVATE_FILE } from "../system/private.ts";

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

/**
 * This machine's approvals. A trust.json that cannot be read or is not valid is moved aside
 * (`trust.json.corrupt-<time>`) and the user told in one line what was lost and how to approve again: consent is
 * never rebuilt from realm content, so until then every command the realm names is untrusted, as with no file.
 */
export function readTrust(home: string, now: () => Date = () => new Date()): TrustFile {
  const path = trustPath(home);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { realms: {} };
    return setAside(home, path, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "", now);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return setAside(home, path, "not JSON", text, now);
  }
  const parsed = TrustFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return setAside(home, path, `${issue.path.join(".") || "(top)"}: ${issue.message}`, text, now);
  }
  return parsed.data;
}

function setAside(home: string, path: string, reason: string, text: string, now: () => Date): TrustFile {
  const moved = moveAside(path, now());
  // Another process moved it first (and told the user): read what is there now.
  if (!moved) return readTrust(home, now);
  notice(`${path} was unreadable (${reason}); moved to ${moved}; ${lostApprovals(text)}; approve again with 'blue realm trust'`);
  return { realms: {} };
}

/** What a bad trust.json held, as far as its text shows: its realms, the fields of the approved commands (where
 *  the realm names each command), the forge hosts. */
export function lostApprovals(text: string): string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {}
  const realms: string[] = [];
  const commands: string[] = [];
  const hosts: string[] = [];
  const entries = (raw as { realms?: unknown } | null)?.realms;
  if (entries && typeof entries === "object" && !Array.isArray(entries)) {
    // Valid JSON that fails the schema: what each realm's entry holds.
    for (const [name, r] of Object.entries(entries)) {
      realms.push(name);
      const t = (r ?? {}) as { commands?: unknown; forge_hosts?: unknown };
      for (const c of Array.isArray(t.commands) ? t.commands : []) commands.push(String((c as { field?: unknown })?.field ?? "?"));
      for (const h of Array.isArray(t.forge_hosts) ? t.forge_hosts : []) hosts.push(String(h));
    }
  } else {
    // Not JSON (truncated, scribbled): what can still be read in the text.
    for (const m of text.matchAll(/"([^"\\]{1,200})"\s*:\s*\{\s*"(?:commands|forge_hosts)"/g)) realms.push(m[1]!);
    for (const m of text.matchAll(/"field"\s*:\s*"([^"\\]{1,200})"/g)) commands.push(m[1]!);
    for (const m of text.matchAll(/"forge_hosts"\s*:\s*\[([^\]]*)/g)) for (const h of m[1]!.matchAll(/"([^"\\]{1,200})"/g)) hosts.push(h[1]!);
  }
  if (realms.length + commands.length + hosts.length === 0) return text.trim() ? "nothing in it could be read, so every approval on this machine is lost" : "it was empty";
  const listed = (xs: string[]) => (xs.length ? ` (${xs.slice(0, 5).join(", ")}${xs.length > 5 ? `, and ${xs.length - 5} more` : ""})` : "");
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const of = realms.length ? ` of realm${realms.length === 1 ? "" : "s"} ${realms.join(", ")}` : "";
  return `lost ${count(commands.length, "approved command")}${listed(commands)} and ${count(hosts.length, "forge host")}${listed(hosts)}${of}`;
}

export function realmTrust(home: string, realm: string): RealmTrust {
  return readTrust(home).realms[realm] ?? { commands: [], forge_hosts: [] };
}

/** Read, change and write trust.json under its lock; returns what `change` returned. */
export async function updateTrust<T>(home: string, change: (t: TrustFile) => T): Promise<T> {
  const path = trustPath(home);
  ensurePrivateDir(home);
  return withLock(`${path}.lock`, async () => {
    const t = readTrust(home);
    const out = change(t);
    writeFileAtomic(path, `${JSON.stringify(t, null, 2)}\n`, PRIVATE_FILE);
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
