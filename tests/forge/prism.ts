// Stoplight Prism serving a mock from a forge's own OpenAPI description: it answers with the description's
// shapes and rejects (422, `sl-violations`) any request the description does not allow. One per test file.
import { existsSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const PRISM = resolve(ROOT, "node_modules/@stoplight/prism-cli/dist/index.js");

/** Read from ../shared beside the project, never copied into it (TESTING.md). */
export const FORGEJO_SPEC = resolve(ROOT, "../shared/specs/forgejo-swagger.json");
export const GITHUB_SPEC = resolve(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json");

export type Prism = { url: string; pid: number; stop: () => void };

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export async function startPrism(spec: string, timeoutMs = 60_000): Promise<Prism> {
  // A free port can be taken by another process between our probe and Prism's bind: try another, twice.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPrismOnce(spec, timeoutMs);
    } catch (e) {
      if (attempt >= 3 || !String((e as Error).message).startsWith("Prism exited before listening")) throw e;
    }
  }
}

async function startPrismOnce(spec: string, timeoutMs: number): Promise<Prism> {
  if (!existsSync(spec)) throw new Error(`${spec} is missing`);
  const port = await freePort();
  const node = Bun.which("node");
  if (!node) throw new Error("node is needed to run Prism");
  const proc = Bun.spawn([node, PRISM, "mock", "--host", "127.0.0.1", "--port", String(port), spec], {
    env: { ...process.env, SCARF_ANALYTICS: "false", NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const stop = () => {
    try {
      process.kill(proc.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  let seen = "";
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + timeoutMs;
  try {
    while (!seen.includes("Prism is listening")) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Prism did not start in ${timeoutMs} ms:\n${seen}`);
      const chunk = await Promise.race([reader.read(), Bun.sleep(left).then(() => ({ done: true, value: undefined }))]);
      if (chunk.done && !chunk.value) {
        if (Date.now() >= deadline) continue;
        throw new Error(`Prism exited before listening:\n${seen}\n${await new Response(proc.stderr).text()}`);
      }
      seen += decoder.decode(chunk.value as Uint8Array);
    }
  } catch (e) {
    stop();
    throw e;
  }
  // Keep draining its log so a full pipe never blocks it.
  void (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done);
  })();
  return { url: `http://127.0.0.1:${port}`, pid: proc.pid, stop };
}

export type RecordedCall = {
  method: string;
  path: string;
  /** The query string, with its "?" ("" when none). */
  query?: string;
  /** The status the client saw; 0 for a connection reset. */
  status: number;
  auth: string | null;
  body: string;
  /** The fault injected instead of Prism's answer, if any. */
  fault?: Fault["kind"];
};

/** What the proxy does instead of forwarding: answer 502, answer 429 with `retry-after` (seconds), or close the socket. */
export type Fault = { kind: "502" } | { kind: "429"; retryAfter: number } | { kind: "reset" };

/**
 * A fault on chosen requests: those whose method and path match, from the `nth` match (1-based, counted since
 * the rule was added) on, `times` of them (default 1; Infinity: every one after). Rules are checked in order.
 */
export type FaultRule = { method: string; path: RegExp; nth?: number; times?: number } & Fault;

export type RecordingProxy = {
  url: string;
  calls: RecordedCall[];
  /** Add a rule; returns a function that removes it. */
  fault: (rule: FaultRule) => () => void;
  clearFaults: () => void;
  stop: () => void;
};

/**
 * A proxy in front of Prism that records each call blue makes (method, path, status, auth header, body) and
 * injects faults on chosen requests. node:http, not Bun.serve: only a raw socket can be closed without an answer.
 */
export function startRecordingProxy(prism: Prism, faults: readonly FaultRule[] = []): RecordingProxy {
  const calls: RecordedCall[] = [];
  const rules = faults.map((r) => ({ rule: r, seen: 0 }));
  const pick = (method: string, path: string): Fault | undefined => {
    for (const r of rules) {
      if (r.rule.method.toUpperCase() !== method || !r.rule.path.test(path)) continue;
      r.seen++;
      const first = r.rule.nth ?? 1;
      if (r.seen >= first && r.seen < first + (r.rule.times ?? 1)) return r.rule;
    }
    return undefined;
  };
  const server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "http://proxy");
    const method = req.method ?? "GET";
    const auth = (req.headers.authorization as string | undefined) ?? null;
    const fault = pick(method, u.pathname);
    if (fault) {
      calls.push({ method, path: u.pathname, query: u.search, status: fault.kind === "reset" ? 0 : Number(fault.kind), auth, body, fault: fault.kind });
      if (fault.kind === "reset") return void req.socket.destroy();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.kind === "429") headers["retry-after"] = String(fault.retryAfter);
      res.writeHead(Number(fault.kind), headers);
      return void res.end(JSON.stringify({ message: fault.kind === "429" ? "API rate limit exceeded (injected)" : "Bad Gateway (injected)" }));
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers.set(k, v);
    const answer = await fetch(`${prism.url}${u.pathname}${u.search}`, { method, headers, body: method === "GET" || !body ? undefined : body });
    const out = Buffer.from(await answer.arrayBuffer());
    calls.push({ method, path: u.pathname, query: u.search, status: answer.status, auth, body });
    const back: Record<string, string> = {};
    // fetch has already decoded the body: its length and encoding are the proxy's to state.
    answer.headers.forEach((v, k) => {
      if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(k)) back[k] = v;
    });
    res.writeHead(answer.status, { ...back, "content-length": String(out.length) });
    res.end(out);
  });
  // Bun's node:http binds inside listen(), so the port is known at once and the function stays synchronous.
  server.listen(0, "127.0.0.1");
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    fault(rule) {
      const entry = { rule, seen: 0 };
      rules.push(entry);
      return () => {
        const i = rules.indexOf(entry);
        if (i >= 0) rules.splice(i, 1);
      };
    },
    clearFaults: () => void rules.splice(0),
    stop: () => {
      server.closeAllConnections?.();
      server.close();
    },
  };
}

/** What a patching proxy answers instead of the upstream's answer; undefined passes the upstream's on. */
export type Patch = (method: string, path: string, query: URLSearchParams, body: unknown) => { status: number; body: unknown } | undefined;

/**
 * A proxy in front of another (usually the recording proxy) that lets a test stand in for forge state the stateless,
 * description-validating mock cannot keep: a PR closed, a check passed. Every request still goes upstream (so it is
 * validated and recorded); `patch` may replace the answer.
 */
export function startPatchingProxy(upstream: string, patch: Patch) {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const u = new URL(req.url);
      const body = req.method === "GET" ? undefined : await req.text();
      const res = await fetch(`${upstream}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body: body || undefined });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {}
      const p = patch(req.method, u.pathname, u.searchParams, json);
      if (!p) return new Response(text, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
      return Response.json(p.body, { status: p.status });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
