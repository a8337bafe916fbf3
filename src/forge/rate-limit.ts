// Forges' rate limits: how long an answer says to wait before the same request may go again (GitHub's REST
// docs, "Exceeding the rate limit"; Forgejo's 429), and the budget a command may spend waiting (--max-wait,
// BLUE_MAX_WAIT). A wait that does not fit the budget stops the command as resumable (errors.ts RateLimited).
import { UsageError } from "../errors.ts";
import { rateLimitNotice } from "../ui/progress.ts";

export const DEFAULT_MAX_WAIT_MS = 10 * 60_000;
/** Backoff when a limit names no time: GitHub asks for at least a minute; Forgejo (or its proxy) says nothing. */
const FIRST_BACKOFF_MS = { github: 60_000, forgejo: 10_000 } as const;
/** A second past the reset the forge names, for clocks that differ a little. */
const SKEW_MS = 1000;

export type LimitAnswer = {
  kind: "github" | "forgejo";
  status: number;
  headers: Headers;
  /** The forge's own message (GitHub says "secondary rate limit" there, sometimes with no header at all). */
  message: string;
  now: number;
  /** How many times this request was already limited: backoff doubles with each. */
  tries: number;
};

/** Milliseconds to wait before sending the same request again, or undefined when the answer is no rate limit.
 *  A 429, or a 403 with a limit's headers or message, also proves the forge did not carry the request out. */
export function rateLimitDelay(a: LimitAnswer): number | undefined {
  if (a.status !== 403 && a.status !== 429) return undefined;
  const retryAfter = retryAfterMs(a.headers.get("retry-after"), a.now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = resetAt(a.headers);
  // Primary limit: nothing until x-ratelimit-reset (an epoch second).
  if (a.headers.get("x-ratelimit-remaining")?.trim() === "0" && reset !== undefined) return Math.max(0, reset - a.now) + SKEW_MS;
  if (a.status === 429 || /rate limit/i.test(a.message)) return FIRST_BACKOFF_MS[a.kind] * 2 ** Math.min(a.tries, 6);
  return undefined;
}

/** When a successful answer says no request is left until the reset: the next one would only be refused. */
export function exhaustedUntil(headers: Headers, now: number): number | undefined {
  if (headers.get("x-ratelimit-remaining")?.trim() !== "0") return undefined;
  const reset = resetAt(headers);
  return reset !== undefined && reset > now ? reset + SKEW_MS : undefined;
}

function resetAt(headers: Headers): number | undefined {
  const s = headers.get("x-ratelimit-reset")?.trim();
  return s && /^\d+$/.test(s) ? Number(s) * 1000 : undefined;
}

/** `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). At least a second, so a 0 never spins. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  const s = value?.trim();
  if (!s) return undefined;
  if (/^\d+$/.test(s)) return Math.max(1, Number(s)) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(1000, at - now);
}

/** "10m", "90s", "1h30m", "0", or plain seconds ("600"). */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const m = /^(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?$/.exec(s);
  if (!m || s === "") return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** The way a budget is written back: "10m", "1m30s", "0s". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const out = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
  return out || "0s";
}

/** The --max-wait flag, for the commands that talk to forges in bulk. */
export const maxWaitArg = {
  type: "string",
  description: "Wait at most this long in all for forge rate limits (e.g. 10m, 90s, 0), then stop as resumable; default BLUE_MAX_WAIT, else 10m",
  valueHint: "duration",
} as const;

/** The wait budget: --max-wait, else BLUE_MAX_WAIT, else 10 minutes. */
export function maxWaitFrom(flag: string | undefined, env: Record<string, string | undefined>): number {
  if (flag !== undefined) {
    const ms = parseDuration(flag);
    if (ms === undefined) throw new UsageError(`--max-wait '${flag}' is not a duration`, "Give it as 10m, 90s, 1h30m or 0 (do not wait).");
    return ms;
  }
  const fromEnv = env.BLUE_MAX_WAIT;
  if (fromEnv === undefined || fromEnv.trim() === "") return DEFAULT_MAX_WAIT_MS;
  const ms = parseDuration(fromEnv);
  if (ms === undefined) throw new UsageError(`BLUE_MAX_WAIT '${fromEnv}' is not a duration`, "Set it as 10m, 90s, 1h30m or 0 (do not wait), or unset it.");
  return ms;
}

/** A wait about to happen: what the progress line says. */
export type RateLimitWait = { forge: "GitHub" | "Forgejo"; host: string; until: Date; ms: number; maxWaitMs: number };

/** How a process waits for rate limits. One budget for the whole command: every forge client spends from it. */
export type RateLimitPolicy = {
  maxWaitMs: number;
  /** Milliseconds spent waiting so far. */
  waitedMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  onWait: (w: RateLimitWait) => void;
  /** Per forge host: no request goes before this moment (its last answer said none was left). */
  pausedUntil: Map<string, number>;
};

export function rateLimitPolicy(o: Partial<Omit<RateLimitPolicy, "waitedMs" | "pausedUntil">> & Pick<RateLimitPolicy, "onWait">): RateLimitPolicy {
  return {
    maxWaitMs: o.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    waitedMs: 0,
    now: o.now ?? Date.now,
    sleep: o.sleep ?? ((ms) => Bun.sleep(ms)),
    onWait: o.onWait,
    pausedUntil: new Map(),
  };
}

let processPolicy: RateLimitPolicy | undefined;

/** The policy every forge client of this process shares unless a test gives its own: real clock and sleep, a
 *  line on stderr per wait, the budget from BLUE_MAX_WAIT until a command sets it from --max-wait. */
export function processRateLimits(): RateLimitPolicy {
  processPolicy ??= rateLimitPolicy({
    // A bad BLUE_MAX_WAIT is a usage error in the commands that take --max-wait (useMaxWait); the daemon, which
    // cannot answer with one, keeps the default.
    maxWaitMs: safeMaxWait(process.env),
    onWait: (w) => rateLimitNotice({ ...w, maxWait: formatDuration(w.maxWaitMs) }),
  });
  return processPolicy;
}

function safeMaxWait(env: Record<string, string | undefined>): number {
  try {
    return maxWaitFrom(undefined, env);
  } catch {
    return DEFAULT_MAX_WAIT_MS;
  }
}

/** A command's --max-wait (or BLUE_MAX_WAIT): read before it talks to a forge, so a bad value is a usage error at once. */
export function useMaxWait(flag: string | undefined, env: Record<string, string | undefined> = process.env): void {
  const ms = maxWaitFrom(flag, env);
  processRateLimits().maxWaitMs = ms;
}
