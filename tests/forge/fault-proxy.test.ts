// The fault-injecting recording proxy (tests/forge/prism.ts) in front of a tiny stand-in for Prism: each fault
// fires on exactly the requests it names (method, path pattern, nth occurrence, how many), the rest pass through.
import { afterAll, expect, test } from "bun:test";
import { startRecordingProxy } from "./prism.ts";

const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: async (req) => Response.json({ path: new URL(req.url).pathname, body: await req.text() }, { status: 201 }) });
const proxy = startRecordingProxy({ url: `http://127.0.0.1:${upstream.port}`, pid: 0, stop: () => undefined }, [{ method: "POST", path: /^\/repos\/[^/]+\/b\/pulls$/, nth: 2, kind: "502" }]);
afterAll(() => {
  proxy.stop();
  upstream.stop(true);
});

const post = (path: string) => fetch(`${proxy.url}${path}`, { method: "POST", body: "{}" });

test("passes requests through and records them", async () => {
  const r = await post("/repos/o/a/pulls");
  expect(r.status).toBe(201);
  expect(await r.json()).toEqual({ path: "/repos/o/a/pulls", body: "{}" });
  expect(proxy.calls.at(-1)).toMatchObject({ method: "POST", path: "/repos/o/a/pulls", status: 201, body: "{}" });
});

test("a 502 on the nth matching request only", async () => {
  expect((await post("/repos/o/b/pulls")).status).toBe(201);
  const second = await post("/repos/o/b/pulls");
  expect(second.status).toBe(502);
  expect((await post("/repos/o/b/pulls")).status).toBe(201);
  expect(proxy.calls.filter((c) => c.fault).map((c) => [c.path, c.status])).toEqual([["/repos/o/b/pulls", 502]]);
});

test("a 429 with retry-after, for `times` requests, and removable", async () => {
  const remove = proxy.fault({ method: "GET", path: /\/limited$/, times: 2, kind: "429", retryAfter: 7 });
  const a = await fetch(`${proxy.url}/limited`);
  expect([a.status, a.headers.get("retry-after")]).toEqual([429, "7"]);
  expect((await fetch(`${proxy.url}/limited`)).status).toBe(429);
  expect((await fetch(`${proxy.url}/limited`)).status).toBe(201);
  remove();
});

test("a connection reset: the socket closes with no answer, and the next request goes through", async () => {
  proxy.fault({ method: "POST", path: /\/reset-me$/, times: Infinity, kind: "reset" });
  const err = await post("/repos/o/reset-me").then(() => null, (e: Error) => e);
  expect(err).not.toBeNull();
  expect(String((err as NodeJS.ErrnoException).code ?? err!.message)).toMatch(/ECONNRESET|closed/);
  expect(proxy.calls.at(-1)).toMatchObject({ path: "/repos/o/reset-me", status: 0, fault: "reset" });
  proxy.clearFaults();
  expect((await post("/repos/o/reset-me")).status).toBe(201);
});
