// The one HTTP path both forge clients use: Zod-checked request bodies and responses, bounded retries on
// connection errors and 5xx, waits for rate limits within the command's --max-wait (rate-limit.ts), and errors
// that name the token's source but never contain the token.
import type { z } from "zod";
import { ForgeError, ForgeUnreachable, RateLimited } from "../errors.ts";
import { clockTime, spoken } from "../ui/progress.ts";
import { howToSetToken, type Credential } from "./credentials.ts";
import type { ForgeTarget } from "./forge.ts";
import { exhaustedUntil, formatDuration, processRateLimits, rateLimitDelay, type RateLimitPolicy } from "./rate-limit.ts";

export type HttpOptions = {
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Tries per request when the forge cannot be reached or answers 5xx (default 3). */
  attempts?: number;
  /** First pause between tries, doubled each time (default 300 ms). */
  retryDelayMs?: number;
  /** Per-try timeout (default 30 s). */
  timeoutMs?: number;
  /** How rate limits are waited for (clock, sleep, --max-wait budget); the process's shared one otherwise. */
  rateLimits?: RateLimitPolicy;
};

/** Refusals of one request for its rate limit before blue stops waiting, whatever the budget. */
const MAX_LIMITED_TRIES = 10;

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export type Call<T> = {
  query?: Record<string, string | number | undefined>;
  /** The body and the schema it must satisfy before it is sent. */
  body?: { schema: z.ZodType; value: unknown };
  /** Schema of the response; without one the body is not read. */
  response?: z.ZodType<T>;
};

/** Connection errors that prove a request never reached the forge (safe to send again, whatever its method). */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ConnectionRefused"]);

export class ForgeHttp {
  private readonly fetch: typeof fetch;
  private readonly attempts: number;
  private readonly delay: number;
  private readonly timeout: number;
  private readonly limits: RateLimitPolicy;

  constructor(
    readonly target: ForgeTarget,
    private readonly credential: Credential,
    private readonly headers: Record<string, string>,
    opts: HttpOptions,
  ) {
    this.fetch = opts.fetch ?? fetch;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.delay = opts.retryDelayMs ?? 300;
    this.timeout = opts.timeoutMs ?? 30_000;
    this.limits = opts.rateLimits ?? processRateLimits();
  }

  /** Never let the token out, even if a forge echoes it back in an error body. */
  private scrub(s: string): string {
    return this.credential.token ? s.split(this.credential.token).join("***") : s;
  }

  private fail(e: ForgeError | ForgeUnreachable): never {
    throw new (e.constructor as typeof ForgeError)(this.scrub(e.message), e.hint && this.scrub(e.hint), (e as ForgeError).status);
  }

  /** One request with bounded retries on connection errors and 5xx; undefined when the forge never answered. */
  private async send(method: Method, url: URL, headers: Record<string, string>, payload: string | undefined): Promise<{ res?: Response; lastCause: string }> {
    let lastCause = "";
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await Bun.sleep(this.delay * 2 ** (attempt - 2));
      let res: Response;
      try {
        res = await this.fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(this.timeout), redirect: "follow" });
      } catch (e) {
        lastCause = (e as Error)?.name === "TimeoutError" ? `no answer in ${this.timeout / 1000} s` : ((e as Error)?.message ?? String(e));
        // A POST whose connection dropped or timed out may have been done (a PR opened): sending it again could do
        // it twice. Only a connection never made says it was not; otherwise the step fails, and the journal's rerun
        // looks for what it made before making it again.
        if (method === "POST" && !NEVER_SENT.has((e as { code?: string })?.code ?? "")) return { lastCause };
        continue;
      }
      // A POST that reached a failing server may have been done: only gateway errors say it was not.
      const retry = res.status >= 500 && (method !== "POST" || [502, 503, 504].includes(res.status));
      lastCause = `${res.status} ${res.statusText}`.trim();
      if (!retry) return { res, lastCause };
      if (attempt < this.attempts) await res.body?.cancel();
      else return { res, lastCause };
    }
    return { lastCause };
  }

  /** Wait `ms` for a rate limit out of the command's budget (--max-wait), or stop as resumable when it does not
   *  fit or the same request was refused too often (GitHub: "throw an error after a specific number of retries"). */
  private async wait(ms: number, what: string, status: number, tries = 0): Promise<void> {
    const limits = this.limits;
    const until = new Date(limits.now() + ms);
    const forge = this.target.kind === "github" ? "GitHub" : "Forgejo";
    const at = clockTime(until);
    const hint = `Run the same command again after ${at} to resume (or allow a longer wait with --max-wait or BLUE_MAX_WAIT).`;
    if (tries >= MAX_LIMITED_TRIES) {
      throw new RateLimited(`${forge} rate limit at ${this.target.host} (${what}): still limited after ${tries} waits`, hint, status, until);
    }
    if (limits.waitedMs + ms > limits.maxWaitMs) {
      const left = Math.max(0, limits.maxWaitMs - limits.waitedMs);
      throw new RateLimited(
        `${forge} rate limit at ${this.target.host} (${what}): it lifts at ${at}, in ${spoken(ms)}, more than --max-wait ${formatDuration(limits.maxWaitMs)} leaves (${spoken(left)})`,
        hint,
        status,
        until,
      );
    }
    limits.onWait({ forge, host: this.target.host, until, ms, maxWaitMs: limits.maxWaitMs });
    limits.waitedMs += ms;
    await limits.sleep(ms);
  }

  /** The forge's last answer said no request was left: wait for its reset rather than be refused. */
  private async waitOutPause(what: string): Promise<void> {
    const until = this.limits.pausedUntil.get(this.target.host);
    if (until === undefined) return;
    this.limits.pausedUntil.delete(this.target.host);
    const ms = until - this.limits.now();
    if (ms > 0) await this.wait(ms, what, 429);
  }

  async request<T = void>(method: Method, path: string, call: Call<T> = {}): Promise<T> {
    const what = `${method} ${path}`;
    const { kind, host } = this.target;
    let payload: string | undefined;
    if (call.body) {
      const checked = call.body.schema.safeParse(call.body.value);
      if (!checked.success) this.fail(new ForgeError(`refusing to send ${what} to ${kind}: ${describeZod(checked.error)}`, "This is a bug in blue: report it with the command you ran."));
      payload = JSON.stringify(checked.data);
    }
    const url = new URL(`${this.target.apiUrl.replace(/\/+$/, "")}${path}`);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = { ...this.headers, ...(payload !== undefined ? { "Content-Type": "application/json" } : {}) };

    const limits = this.limits;
    let res: Response | undefined;
    let lastCause = "";
    let detail: string | undefined;
    for (let limited = 0; ; limited++) {
      await this.waitOutPause(what);
      ({ res, lastCause } = await this.send(method, url, headers, payload));
      if (!res) break;
      if (res.status !== 403 && res.status !== 429) {
        const exhausted = exhaustedUntil(res.headers, limits.now());
        if (exhausted !== undefined) limits.pausedUntil.set(host, exhausted);
        break;
      }
      detail = await forgeMessage(res);
      const ms = rateLimitDelay({ kind: kind === "github" ? "github" : "forgejo", status: res.status, headers: res.headers, message: detail, now: limits.now(), tries: limited });
      if (ms === undefined) break;
      // A rate-limited answer proves the forge did nothing with the request: sending it again is safe, POST too.
      await this.wait(ms, what, res.status, limited);
    }
    if (!res) {
      this.fail(new ForgeUnreachable(`cannot reach ${kind} at ${this.target.apiUrl} (${what}, ${this.attempts} tries): ${lastCause}`, "Check the forge URL (realm.yaml forge.url) and the network, then run the command again."));
    }
    if (res.status >= 500) {
      this.fail(new ForgeUnreachable(`${kind} at ${host} answered ${lastCause} to ${what}`, "The forge is failing; try again later."));
    }
    if (res.status === 401 || res.status === 403) {
      detail ??= await forgeMessage(res);
      this.fail(
        new ForgeError(
          `${kind} at ${host} rejected the token from ${this.credential.source} (${res.status}${detail ? `: ${detail}` : ""})`,
          howToSetToken(kind, host),
          res.status,
        ),
      );
    }
    if (!res.ok) {
      const violations = res.headers.get("sl-violations");
      const said = violations ? describeViolations(violations) : (detail ?? (await forgeMessage(res)));
      this.fail(new ForgeError(`${kind} refused ${what} (${res.status} ${res.statusText})${said ? `: ${said}` : ""}`, "Check what the forge says and what the token may do there (its scopes, your role in the repo).", res.status));
    }
    if (!call.response) {
      await res.body?.cancel();
      return undefined as T;
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.fail(new ForgeError(`${kind} at ${host} answered ${what} with something that is not JSON`, "Check that the URL is the forge's own (not a proxy or login page), then run the command again."));
    }
    const parsed = call.response.safeParse(json);
    if (!parsed.success) this.fail(new ForgeError(`unexpected answer from ${kind} at ${host} to ${what}: ${describeZod(parsed.error)}`, "The forge may be a version blue does not know; report it with the forge's version."));
    return parsed.data;
  }
}

/** `field.path: message; …` on one line. */
export function describeZod(e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** Prism's `sl-violations` header: the request did not match the forge's API description. */
function describeViolations(header: string): string {
  try {
    const list = JSON.parse(header) as { location?: string[]; message?: string }[];
    return list.map((v) => `${(v.location ?? []).slice(1).join(".")}: ${v.message ?? "invalid"}`).join("; ");
  } catch {
    return header.slice(0, 300);
  }
}

/** The forge's own one-line reason (`message` in Forgejo, GitHub and problem+json bodies). */
async function forgeMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const j = JSON.parse(text) as { message?: unknown; detail?: unknown; title?: unknown };
    const m = [j.message, j.detail, j.title].find((x) => typeof x === "string" && x.trim() !== "");
    return typeof m === "string" ? m.split("\n")[0]!.slice(0, 300) : "";
  } catch {
    return text.split("\n")[0]!.slice(0, 200);
  }
}
