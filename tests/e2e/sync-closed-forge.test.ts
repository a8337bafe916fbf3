// A provider's sync PR closed without merging on Forgejo (issue 20), through the compiled binary, against a Prism
// mock of Forgejo's own description with the recording proxy in front: two machines' daemons (two BLUE_HOMEs) fetch
// the realm, and the request log proves what happened on the forge. The mock is stateless, so a small proxy in front
// says what it cannot: the importer's acknowledgement PR is open (until blue closes it), and the provider's PR, looked
// up by base and head, is closed unmerged once the test closes it. The importer's PR gets exactly one comment across
// both daemons, each machine's importer a "blocked" notification, and the provider's PR is looked up once, by its
// branch, never by reading the repo's closed PRs. The machine that records it deletes the closed branch from the realm
// remote, once across both; after the record ends (the provider synced again), nothing announces the withdrawn version
// again and no acknowledgement is built on it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { StatusDoc } from "../../src/realm/view.ts";
import { SyncReport } from "../../src/sync/run.ts";
import { FORGEJO_SPEC, type Patch, type Prism, startPatchingProxy, startPrism, startRecordingProxy } from "../forge/prism.ts";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { realmOnForge } from "./forge-world.ts";
import { Sandbox } from "./sandbox.ts";

const TOKEN = "sync-closed-forge-secret-7a3c91";
const ENV = { BLUE_FORGEJO_TOKEN: TOKEN };
const PULLS = "/repos/realms/letemcook/pulls";
const ACK_PR = 41;

/** What the forge says that a stateless mock cannot. */
const forgeState = { ack: null as string | null, ackOpen: true, provider: null as string | null, providerClosed: false };

const patch: Patch = (method, path, query, body) => {
  const item = (Array.isArray(body) ? body[0] : body) as Record<string, any> | undefined;
  const closedProvider = () => ({ ...item, number: 40, state: "closed", merged: false, head: { ...item!.head, ref: forgeState.provider }, base: { ...item!.base, ref: "main" } });
  // The list of closed PRs (what a scan would read) has the provider's too: the test does not depend on how blue asks.
  if (method === "GET" && path === PULLS && query.get("state") === "closed" && item) return { status: 200, body: forgeState.providerClosed ? [closedProvider()] : [] };
  if (method === "GET" && path === PULLS && forgeState.ack && item) {
    // The open PRs: the importer's acknowledgement until blue closes it (the provider's is not open: nothing merges).
    return { status: 200, body: forgeState.ackOpen ? [{ ...item, number: ACK_PR, state: "open", merged: false, title: "ack", head: { ...item.head, ref: forgeState.ack }, base: { ...item.base, ref: "main" } }] : [] };
  }
  if (method === "GET" && forgeState.provider && path === `${PULLS}/main/${encodeURIComponent(forgeState.provider)}` && item) {
    if (!forgeState.providerClosed) return { status: 404, body: { message: "not found" } };
    return { status: 200, body: closedProvider() };
  }
  if (method === "PATCH" && path === `${PULLS}/${ACK_PR}`) forgeState.ackOpen = false;
  if (method === "GET" && /\/pulls\/-?\d+\/reviews$/.test(path)) return { status: 200, body: [] };
  return undefined;
};

const have = existsSync(FORGEJO_SPEC);
describe.skipIf(!have)("a provider's sync PR closed without merging on Forgejo, two daemons", () => {
  let prism: Prism;
  let recorder: ReturnType<typeof startRecordingProxy>;
  let front: ReturnType<typeof startPatchingProxy>;
  let world: ReturnType<typeof dailyDevelopment>;
  const other = new Sandbox("machine-b");

  beforeAll(async () => {
    prism = await startPrism(FORGEJO_SPEC);
    recorder = startRecordingProxy(prism);
    front = startPatchingProxy(recorder.url, patch);
    world = dailyDevelopment();
    expect(realmOnForge(world, "forgejo", front.url, ["fungal-bot"])).toBe(0);
    expect(other.blue(world.fungal, "realm", "trust", "--forge-host", new URL(front.url).host).code).toBe(0);
  }, 120_000);
  afterAll(() => {
    front?.stop();
    recorder?.stop();
    prism?.stop();
    world?.sb.shutDaemon();
    other.shutDaemon();
  });

  test("the importer's PR gets one comment across both daemons, each importer a notification, and the lookup is one request by branch", async () => {
    const { sb, aperture, fungal } = world;
    const remote = sb.defaultRemote("letemcook");
    const branches = () => sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/").split("\n").filter(Boolean);
    // Each machine's daemon runs with the token in its environment, as a user's would.
    sb.blue(fungal, "daemon", "stop");
    for (const box of [sb, other]) expect((await box.blueAsync(fungal, ["realm", "status"], ENV)).code).toBe(0);
    world.writeCode({ ...VALUE, write: [...VALUE.write, "training-metrics/experiments/*"] });
    expect((await sb.blueAsync(aperture, ["realm", "sync"], ENV)).code).toBe(0);
    const provider = branches()[0]!;
    forgeState.provider = provider;
    const f = await sb.blueAsync(fungal, ["realm", "sync"], ENV);
    expect([f.code, f.stderr]).toEqual([0, ""]);
    const ack = branches().find((b) => b.startsWith("sync/fungal-image-analysis/"))!;
    expect(ack).toBeDefined();
    forgeState.ack = ack;

    // aperture's maintainers close its PR without merging (its branch stays in the realm remote, as on a forge).
    forgeState.providerClosed = true;
    recorder.calls.length = 0;
    const a = await sb.blueAsync(fungal, ["realm", "status", "--refresh"], ENV);
    expect(a.code).toBe(0);
    const b = await other.blueAsync(fungal, ["realm", "status", "--refresh"], ENV);
    expect(b.code).toBe(0);
    // And both again at once.
    const again = await Promise.all([sb.blueAsync(fungal, ["realm", "status", "--refresh"], ENV), other.blueAsync(fungal, ["realm", "status", "--refresh"], ENV)]);
    for (const r of again) expect(r.code).toBe(0);

    const comments = recorder.calls.filter((x) => x.method === "POST" && /\/issues\/-?\d+\/comments$/.test(x.path));
    expect(comments.map((x) => x.path)).toEqual([`/repos/realms/letemcook/issues/${ACK_PR}/comments`]);
    expect(JSON.parse(comments[0]!.body).body).toContain(`this acknowledgement was built on ${provider}, which was closed without merging`);
    expect(recorder.calls.filter((x) => x.method === "PATCH").map((x) => [x.path, JSON.parse(x.body)])).toEqual([[`${PULLS}/${ACK_PR}`, { state: "closed" }]]);
    // The closed branch is deleted from the realm remote (before, a forge kept it there), by one of the two machines.
    expect(branches()).toEqual([]);
    const deletions = [sb, other].flatMap((box) => readFileSync(join(box.root, "blue-home", "daemon.log"), "utf8").split("\n").filter((l) => l.includes(`deleted ${provider}`)));
    expect(deletions).toHaveLength(1);
    expect(deletions[0]).toContain("from the realm remote: closed without merging, it proposes nothing any more");
    for (const box of [sb, other]) {
      const doc = StatusDoc.parse(JSON.parse((await box.blueAsync(fungal, ["realm", "status", "--json"], ENV)).stdout));
      expect([box.name, doc.forge_notifications]).toEqual([box.name, [expect.objectContaining({ set_id: provider, repo: "fungal-image-analysis", kind: "blocked" })]]);
    }
    // The bounded lookup: the provider's PR by base and head, once across both daemons (then the record in the realm
    // remote answers), and never a list of the repo's closed PRs.
    const lookups = recorder.calls.filter((x) => x.method === "GET" && x.path.startsWith(`${PULLS}/main/`));
    expect(lookups.map((x) => x.path)).toEqual([`${PULLS}/main/${encodeURIComponent(provider)}`]);
    expect(recorder.calls.filter((x) => x.path === PULLS && (x.query ?? "").includes("state=closed"))).toEqual([]);
    expect(recorder.calls.filter((x) => x.status >= 400 && x.status !== 404)).toEqual([]);

    const record = parse(sb.git(sb.root, "--git-dir", remote, "show", `refs/blue/closed/${provider}:closed.yaml`)) as { head: string; decisions: { key: string }[]; withdrawn: { domain: string; contract: string; version: string }[] };
    expect(record.head).toMatch(/^[0-9a-f]{40}$/);
    expect(record.decisions.map((d) => d.key)).toEqual([`comment ${ack}`]);
    for (const r of [a, b, ...again]) expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);

    // The version only the closed PR proposed is withdrawn on both machines.
    expect(record.withdrawn).toHaveLength(1);
    const [w] = record.withdrawn;
    for (const box of [sb, other]) {
      const doc = StatusDoc.parse(JSON.parse((await box.blueAsync(fungal, ["realm", "status", "--json"], ENV)).stdout));
      expect([box.name, doc.notifications!.map((n) => n.key)]).toEqual([box.name, []]);
      expect(doc.forge_notifications[0]!.message).toBe(`${w!.contract} ${w!.version} from aperture was withdrawn (${provider} closed without merging): your acknowledgement ${ack} was closed; nothing to do unless aperture syncs again`);
    }

    // The importer's next sync builds nothing on the closed branch: it is gone, so nothing proposes its version.
    const built = (r: SyncReport) => r.branches.map((x) => [x.start, x.base, x.acknowledgements.map((k) => k.via)]).filter(([start, base]) => start !== "origin/main" || base !== null);
    const dryRun = async () => SyncReport.parse(JSON.parse((await sb.blueAsync(fungal, ["realm", "sync", "--dry-run", "--json"], ENV)).stdout));
    expect(built(await dryRun())).toEqual([]);

    // The record ends: aperture synced again (a commit of its sync reached main, as its next merged sync does).
    const seed = mkdtempSync(join(sb.root, "seed-"));
    sb.git(sb.root, "clone", "-q", remote, seed);
    sb.git(seed, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "--allow-empty", "-m", "aperture: next\n\nBlue-Sync: aperture");
    sb.git(seed, "push", "-q", "origin", "main");
    for (const box of [sb, other]) expect((await box.blueAsync(fungal, ["realm", "status", "--refresh"], ENV)).code).toBe(0);
    expect(sb.git(sb.root, "--git-dir", remote, "for-each-ref", "refs/blue/closed/")).toBe("");
    const ends = [sb, other].flatMap((box) => readFileSync(join(box.root, "blue-home", "daemon.log"), "utf8").split("\n").filter((l) => l.includes(`the record of ${provider} closed without merging ends: aperture synced again`)));
    expect(ends).toHaveLength(1);
    // Nothing comes back: no notice of the withdrawn version on either machine, no acknowledgement built on it.
    for (const box of [sb, other]) {
      const doc = StatusDoc.parse(JSON.parse((await box.blueAsync(fungal, ["realm", "status", "--json"], ENV)).stdout));
      expect([box.name, doc.notifications!.map((n) => n.key)]).toEqual([box.name, []]);
    }
    const after = await dryRun();
    expect([built(after), after.ignored]).toEqual([[], []]);
    expect(branches()).toEqual([]);
  }, 240_000);
});
