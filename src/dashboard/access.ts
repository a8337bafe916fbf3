// Who may see the dashboard (DESIGN.md §7): a one-time code that `blue dashboard` mints with the bearer token,
// exchanged once for a server-side session named by an HttpOnly cookie. Codes and session ids are secrets
// compared in constant time (their SHA-256 digests: equal length, and a lookup learns nothing about the secret).
// Time and randomness are injected; nothing here is stored on disk, so a restarted daemon forgets every session.
import { createHash, timingSafeEqual } from "node:crypto";

/** A code opens the door once, and only soon after it was minted. */
export const CODE_TTL_MS = 60_000;
/** A session ends after this long without a page. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** At most this many codes wait at once: minting more drops the oldest. */
const MAX_CODES = 16;
const MAX_SESSIONS = 64;

export type DashboardSession = { id: string; csrf: string; lastSeen: number };

const digest = (secret: string) => createHash("sha256").update(secret).digest();

export type AccessDeps = { now: () => number; random: () => string };

/** The cookie's name carries the port: cookies ignore ports, and every 127.0.0.1 port is the same site. */
export const cookieName = (port: number) => `blue_dashboard_${port}`;

export function createAccess(deps: AccessDeps) {
  const codes: { digest: Buffer; expires: number }[] = [];
  const sessions = new Map<string, DashboardSession>();

  const drop = () => {
    const now = deps.now();
    for (let i = codes.length - 1; i >= 0; i--) if (codes[i]!.expires <= now) codes.splice(i, 1);
    for (const [k, s] of sessions) if (now - s.lastSeen > SESSION_IDLE_MS) sessions.delete(k);
  };

  return {
    /** A new one-time code (the only copy leaves in the answer to the CLI). */
    mintCode(): { code: string; expiresAt: number } {
      drop();
      const code = deps.random();
      const expiresAt = deps.now() + CODE_TTL_MS;
      codes.push({ digest: digest(code), expires: expiresAt });
      if (codes.length > MAX_CODES) codes.shift();
      return { code, expiresAt };
    },
    /** Spend a code: a new session, or undefined when the code is unknown, expired or already spent. */
    exchange(code: string): DashboardSession | undefined {
      drop();
      const given = digest(code);
      // Every waiting code is compared, found or not: the time taken does not say which one matched.
      let hit = -1;
      codes.forEach((c, i) => {
        if (timingSafeEqual(c.digest, given)) hit = i;
      });
      if (hit < 0) return undefined;
      codes.splice(hit, 1);
      const session: DashboardSession = { id: deps.random(), csrf: deps.random(), lastSeen: deps.now() };
      sessions.set(digest(session.id).toString("hex"), session);
      if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      return session;
    },
    /** The live session a cookie names (refreshed), or undefined. */
    session(id: string | undefined): DashboardSession | undefined {
      if (!id) return undefined;
      drop();
      const s = sessions.get(digest(id).toString("hex"));
      if (s) s.lastSeen = deps.now();
      return s;
    },
    end(id: string): void {
      sessions.delete(digest(id).toString("hex"));
    },
    /** The form's CSRF token matches the session's (constant time). */
    csrfMatches(s: DashboardSession, given: string | undefined): boolean {
      return given !== undefined && timingSafeEqual(digest(s.csrf), digest(given));
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
