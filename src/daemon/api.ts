// The daemon API's payloads: Zod schemas for what each route takes and returns. The client's types come
// from the Hono app built on these; tests check responses against them.
import { z } from "zod";
import { RepoView } from "../realm/view.ts";
import { CHANGE_LINE_MAX, CHANGES_MAX_BYTES, CHANGES_MAX_LINES, changesBytes } from "./wire.ts";

// Every string and list a route takes is bounded, so what a client sends is refused, not stored, when it is more
// than the daemon needs (the body limits in limits.ts are the first gate; these are the exact ones).
/** A realm, repo, domain, contract or session name as the API takes it. */
const name = z.string().min(1).max(200);
const path = z.string().min(1).max(4096);

/** Forge state (issue 20): a decision the daemons following a coordinated change took about `repo`'s PR. */
export const ForgeNotification = z.object({
  realm: z.string(),
  set_id: z.string(),
  decision: z.string(),
  repo: z.string(),
  kind: z.enum(["merge", "unblocked", "blocked", "cannot_merge", "stale_approval", "merge_failed"]),
  message: z.string(),
  decided_at: z.string(),
  decided_by: z.string(),
});
export type ForgeNotification = z.infer<typeof ForgeNotification>;

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const Health = z.object({ status: z.literal("ok"), version: z.string(), pid: z.number(), started_at: z.string() });

export const Realm = z.object({
  name: z.string(),
  url: z.string(),
  local_path: z.string(),
  last_sync: z.string().nullable(),
  status: z.string(),
});
/** The path's parameters: a realm or repo name, a session or notification id. */
export const RealmParam = z.object({ name });
export const RepoParams = z.object({ name, repo: name });
export const IdParam = z.object({ id: name });
export const RegisterRealm = z.object({ name, url: path, local_path: path });

const list = z.array(z.string().max(200)).max(100);
export const SessionInput = z.object({
  id: name,
  repo: name,
  realm: name,
  client_id: z.string().max(200).optional(),
  pid: z.number().int().positive().optional(),
  /** The work tree the session works in (a main checkout or a linked worktree) and the branch checked out there:
   *  what tells two shells in one repo apart. */
  repo_path: z.string().max(4096).optional(),
  branch: z.string().max(255).optional(),
  active_rfc: z.string().max(200).optional(),
  active_domains: list.optional(),
  exports_modified: list.optional(),
  imports_watching: list.optional(),
});
export const Session = SessionInput.required({ client_id: true }).extend({
  client_id: z.string().nullable(),
  pid: z.number().nullable(),
  repo_path: z.string().nullable(),
  branch: z.string().nullable(),
  active_rfc: z.string().nullable(),
  active_domains: list,
  exports_modified: list,
  imports_watching: list,
  started_at: z.string(),
  last_activity: z.string(),
  state: z.enum(["active", "idle"]),
});

export const NotificationInput = z.object({
  realm: name,
  domain: name,
  contract: name,
  from_repo: name,
  change_type: z.enum(["updated", "breaking", "new"]),
  version: z.string().max(200).optional(),
  changes: z
    .array(z.string().max(CHANGE_LINE_MAX))
    .max(CHANGES_MAX_LINES)
    .refine((c) => changesBytes(c) <= CHANGES_MAX_BYTES, `must be at most ${CHANGES_MAX_BYTES / 1024} KB in all`)
    .optional(),
  recipients: z.array(name).max(500).optional(),
});
export const Notification = NotificationInput.required({ changes: true, recipients: true }).extend({
  id: z.number(),
  version: z.string().nullable(),
  created_at: z.string(),
  acknowledged_by: z.array(z.string()),
  /** Set when the version was withdrawn (only a sync branch closed without merging proposed it): owed by nobody. */
  withdrawn_at: z.string().nullable().optional(),
});
export const NotificationQuery = z.object({
  realm: name.optional(),
  repo: name.optional(),
  pending: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});
export const Ack = z.object({ repo: name });
/** Dismiss a repo's pending notifications on this machine: by key (`domain/contract@version`), by contract, or
 *  every one of a contract up to a version (what an acknowledging `blue realm sync` resolved). */
export const RepoAck = z
  .object({ key: z.string().max(1000).optional(), contract: name.optional(), up_to: z.object({ domain: name, contract: name, version: z.string().max(200) }).optional() })
  .refine((a) => [a.key, a.contract, a.up_to].filter((x) => x !== undefined).length === 1, "give exactly one of key, contract, up_to");
export const RepoNotificationQuery = z.object({ all: z.enum(["true", "false"]).optional() });
/** What `blue realm status` asks in one request: register or refresh this session, then report. */
export const StatusQuery = z.object({ session: SessionInput });

export type SessionInput = z.infer<typeof SessionInput>;
export type Session = z.infer<typeof Session>;
export type Notification = z.infer<typeof Notification>;
export type NotificationInput = z.infer<typeof NotificationInput>;

export const RealmList = z.object({ realms: z.array(Realm) });
export const RealmDetails = z.object({
  realm: Realm,
  repos: z.array(z.string()),
  pending: z.array(z.string()),
  domains: z.array(z.object({ name: z.string(), members: z.array(z.string()), contracts: z.array(z.object({ name: z.string(), version: z.string(), owner: z.string() })) })),
  problems: z.number(),
  /** Why the realm does not load (its status is then "broken"): the line the CLI would print. */
  error: z.string().nullable(),
});
export const SyncResult = z.object({ name: z.string(), head: z.string(), last_sync: z.string(), notifications: z.number() });
export const SessionList = z.object({ sessions: z.array(Session) });
export const NotificationList = z.object({ notifications: z.array(Notification) });
/** The repo's view (null, with the reason, when the realm has errors or the repo is not in it), its pending
 *  notifications and the realm's sessions. */
/** A commit a fetch brought that changed a file its author may not change (blue realm check --mode=ownership). */
export const OwnershipWarning = z.object({ commit: z.string(), file: z.string(), author: z.string().nullable(), message: z.string(), seen_at: z.string() });
export type OwnershipWarning = z.infer<typeof OwnershipWarning>;
export const RepoStatus = z.object({
  view: RepoView.nullable(),
  view_error: z.string().nullable(),
  notifications: z.array(Notification),
  sessions: z.array(Session),
  ownership_warnings: z.array(OwnershipWarning),
});
