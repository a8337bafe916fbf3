// Stoplight Prism serving a mock from a forge's own OpenAPI description: it answers with the description's
// shapes and rejects (422, `sl-violations`) any request the description does not allow. One per test file.
import { existsSync } from "node:fs";
import { createServer } from "node:net";
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

export type RecordedCall = { method: string; path: string; status: number; auth: string | null; body: string };

/** A proxy in front of Prism that records each call blue makes (method, path, status, auth header, body). */
export function startRecordingProxy(prism: Prism): { url: string; calls: RecordedCall[]; stop: () => void } {
  const calls: RecordedCall[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const u = new URL(req.url);
      const body = req.method === "GET" ? "" : await req.text();
      const res = await fetch(`${prism.url}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body: body || undefined });
      calls.push({ method: req.method, path: u.pathname, status: res.status, auth: req.headers.get("authorization"), body });
      return new Response(res.body, { status: res.status, headers: res.headers });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, calls, stop: () => server.stop(true) };
}
