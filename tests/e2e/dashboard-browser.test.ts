/// <reference lib="dom" />
// `blue dashboard` in a real browser (issue 21): Debian's chromium, headless, driven by playwright-core from
// bun test, against the compiled binary's daemon on the RFC's realm. Signs in with the one-time code, loads
// each page, checks the DOM (repos, contracts, a hostile maintainer as text, a pending change after a sync),
// waits for a live update after a second sync, and saves screenshots in the test's temp dir. Without chromium
// the tests skip and say why, except in CI, where a missing chromium is a failure (.ci/run installs it).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { dailyDevelopment, editRealmFile, VALUE } from "./daily.ts";
import type { Sandbox } from "./sandbox.ts";

const CHROMIUM = [process.env.BLUE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => Boolean(p && existsSync(p)));
if (!CHROMIUM) {
  if (process.env.CI === "true") throw new Error("chromium is missing: .ci/run installs it (apt-get install chromium)");
  console.log("skipping the dashboard browser tests: no chromium at /usr/bin/chromium (apt-get install chromium, or set BLUE_CHROMIUM)");
}
const browserTest = CHROMIUM ? test : test.skip;

/** Markup a maintainer could write into repos/aperture.yaml: it must show as text, and never run. */
const HOSTILE = `<img src=x onerror="document.body.dataset.pwned='yes'">`;
const HOSTILE_DESCRIPTION = `<script>document.body.dataset.pwned='yes'</script> what aperture may touch`;
const NEW_PATH = "training-metrics/experiments/*";

let sb: Sandbox;
let browser: Browser;
let page: Page;
let world: ReturnType<typeof dailyDevelopment>;
let loginUrl = "";
const shots: string[] = [];

beforeAll(async () => {
  world = dailyDevelopment();
  sb = world.sb;
  editRealmFile(world.clone, "repos/aperture.yaml", (d) => d.set("maintainers", ["test@example.com", HOSTILE]));
  editRealmFile(world.clone, "domains/s3-access/contracts/s3-permissions.yaml", (d) => d.set("description", HOSTILE_DESCRIPTION));
  sb.git(world.clone, "commit", "-qam", "a maintainer and a description with markup in them");
  sb.git(world.clone, "push", "-q", "origin", "main");
  // status starts this machine's daemon and has it track the realm.
  expect(sb.blue(world.fungal, "realm", "status").code).toBe(0);
  if (!CHROMIUM) return;
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  sb?.shutDaemon();
  if (shots.length) console.log(`dashboard screenshots: ${shots.join(", ")}`);
}, 60_000);

/** A dashboard URL on the daemon the sign-in URL names. */
const at = (path: string) => new URL(path, loginUrl).toString();

async function shot(name: string): Promise<void> {
  const dir = sb.path("screenshots");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
  // The README's picture, when asked for (docs/img/dashboard.png is taken this way).
  if (name === "pending" && process.env.BLUE_DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.BLUE_DASHBOARD_SCREENSHOT });
}

describe("blue dashboard in chromium", () => {
  test("--no-open prints the sign-in URL: 127.0.0.1, the daemon's port, a one-time code", () => {
    const r = sb.blue(world.aperture, "dashboard", "--no-open");
    expect(r.code).toBe(0);
    loginUrl = r.stdout.trim();
    expect(loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\?code=[\w-]{20,}$/);
    expect(r.stderr).toContain("signs in once");
  });

  browserTest("signs in with the code and shows the realm: its repos, its contracts, its edges, the hostile names as text", async () => {
    const res = await page.goto(loginUrl);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/dashboard", name: `blue_dashboard_${new URL(loginUrl).port}` });
    expect(await page.textContent("h1")).toBe("Realm letemcook");
    expect(await page.locator("ul.repos li").allTextContents()).toEqual(["aperture", "fungal-image-analysis"]);
    expect(await page.locator("ul.contracts a").allTextContents()).toEqual(["s3-permissions@1.4.0"]);
    const edges = await page.locator("#edge-table tbody tr").allTextContents();
    expect(edges.some((e) => e.startsWith("exportaperture") && e.includes("s3-permissions@1.4.0"))).toBe(true);
    expect(edges.some((e) => e.startsWith("importfungal-image-analysis"))).toBe(true);
    await page.waitForFunction(() => document.body.dataset.live === "on");
    // The picture: every repo and contract a node, each a link to its page; the hostile maintainer only as text.
    const nodes = await page.locator(".graph svg g.node title").allTextContents();
    expect(nodes.sort()).toEqual(["contract:s3-access/s3-permissions", "repo:aperture", "repo:fungal-image-analysis"]);
    expect(await page.locator(".graph svg img, .graph svg script, .graph svg foreignObject").count()).toBe(0);
    expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
    await shot("realm");
    await page.locator(".graph svg g.node a").filter({ hasText: "s3-permissions@1.4.0" }).click();
    await page.waitForURL(/\/contracts\/s3-access\/s3-permissions$/);
    await page.goBack();
  });

  browserTest("the repo page: its maintainers as text (the markup did not run), exports, imports, sessions", async () => {
    await page.click("ul.repos a:text-is('aperture')");
    expect(await page.textContent("h1")).toBe("Repo aperture");
    expect(await page.textContent(".maintainers")).toBe(`test@example.com, ${HOSTILE}`);
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
    await page.goto(at("/dashboard/realms/letemcook/repos/fungal-image-analysis"));
    expect(await page.textContent("h1")).toBe("Repo fungal-image-analysis");
    expect(await page.locator("#sessions tbody tr").count()).toBeGreaterThan(0);
    await shot("repo");
  });

  browserTest("the contract page: versions, who imports which version, the description as text", async () => {
    await page.goto(at("/dashboard/realms/letemcook/contracts/s3-access/s3-permissions"));
    expect(await page.textContent("h1")).toBe("Contract s3-permissions@1.4.0");
    expect(await page.textContent(".description")).toBe(HOSTILE_DESCRIPTION);
    expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
    expect(await page.locator("#importers tbody tr").allTextContents()).toEqual([expect.stringContaining("fungal-image-analysis")]);
    await shot("contract");
  });

  browserTest("a sync shows as a change in flight; a second sync (the importer's acknowledgement) arrives live, without a reload", async () => {
    world.writeCode({ ...VALUE, write: [...VALUE.write, NEW_PATH] });
    const first = sb.blue(world.aperture, "realm", "sync");
    expect(first.code).toBe(0);
    await page.goto(at("/dashboard"));
    await page.waitForFunction(() => document.body.dataset.live === "on");
    const inFlight = await page.locator("ul.pending-changes > li").allTextContents();
    expect(inFlight).toHaveLength(1);
    expect(inFlight[0]).toContain("s3-permissions 1.5.0");
    expect(inFlight[0]).toContain("compatible");
    expect(inFlight[0]).toContain(`/write: + ${NEW_PATH}`);
    // The same state in the picture's marks and the table's.
    expect(await page.locator("#edge-table tbody").textContent()).toContain("[SYNC sync/aperture/");
    await shot("pending");
    await page.goto(at("/dashboard/realms/letemcook/repos/aperture"));
    expect(await page.locator("ul.syncs li").allTextContents()).toEqual([expect.stringMatching(/waits for.*fungal-image-analysis to acknowledge s3-permissions 1\.5\.0/)]);
    await page.goto(at("/dashboard/realms/letemcook/contracts/s3-access/s3-permissions"));
    expect(await page.textContent("main")).toContain("1.5.0: fungal-image-analysis unaffected");

    // The realm page stays open; the importer's sync acknowledges, both branches merge, and the page follows.
    await page.goto(at("/dashboard"));
    await page.waitForFunction(() => document.body.dataset.live === "on");
    const second = sb.blue(world.fungal, "realm", "sync");
    expect(second.code).toBe(0);
    await page.waitForFunction(() => (document.querySelector("ul.contracts")?.textContent ?? "").includes("s3-permissions@1.5.0"));
    expect(Number(await page.evaluate(() => document.body.dataset.updates))).toBeGreaterThan(0);
    expect(await page.locator("ul.pending-changes").count()).toBe(0);
    await shot("after-live-update");
  });

  browserTest("the Fetch button posts the form (with its CSRF token) and comes back to the realm's page", async () => {
    const before = await page.textContent("main p.muted");
    await page.click("button:text-is('Fetch the realm now')");
    await page.waitForURL(/\/dashboard\/realms\/letemcook$/);
    expect(await page.textContent("h1")).toBe("Realm letemcook");
    expect(await page.textContent("main p.muted")).not.toBe(before); // "Last fetched:" moved
  });

  browserTest("the keyboard reaches the skip link first, and it moves focus to the content", async () => {
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("content");
  });

  browserTest("the code was spent: the same URL in a fresh browser is refused", async () => {
    const fresh = await browser.newContext();
    const p = await fresh.newPage();
    const res = await p.goto(loginUrl);
    expect(res?.status()).toBe(403);
    expect(await p.textContent("h1")).toBe("Code refused");
    const nocookie = await p.goto(at("/dashboard"));
    expect(nocookie?.status()).toBe(401);
    await fresh.close();
  });

  browserTest("Sign out ends the session: the pages answer 401 after it", async () => {
    await page.goto(at("/dashboard"));
    await page.click("button:text-is('Sign out')");
    expect(await page.textContent("h1")).toBe("Signed out");
    expect((await page.goto(at("/dashboard")))?.status()).toBe(401);
  });
});
