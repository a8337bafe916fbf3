// `bun run release:local` for this machine's target only (issue 22): build.ts --release into a temp dir, the
// checksums and the binary's own header and `version --json`, then install.sh and `blue upgrade` against a
// local release server in a temp home. The full run (every target) is `bun run release:local`.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostTarget } from "../build.ts";
import { releaseChain } from "../scripts/release-local.ts";
import { nextVersion, packageVersion } from "../scripts/release-server.ts";

const outdir = mkdtempSync(join(tmpdir(), "blue-release-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test("the release chain for this machine: build, SHA256SUMS, install.sh, blue upgrade, the daemon restarted", async () => {
  const host = hostTarget();
  const version = packageVersion();
  const lines: string[] = [];
  const result = await releaseChain({ targets: [host], outdir, log: (l) => lines.push(l) });

  expect(readdirSync(outdir).sort()).toEqual(["SHA256SUMS", "VERSION", `blue-${host}`].sort());
  expect(readFileSync(join(outdir, "VERSION"), "utf8")).toBe(`${version}\n`);
  expect(readFileSync(join(outdir, "SHA256SUMS"), "utf8")).toMatch(new RegExp(`^[0-9a-f]{64}  blue-${host}\\n$`));
  expect(result.targets).toEqual([{ target: host, checksum: true, header: host, ran: `ran: blue ${version} (${host})` }]);
  expect(result.next).toBe(nextVersion());
  expect(result.steps).toEqual([
    `install.sh installed blue ${version} with its receipt`,
    `daemon of blue ${version} started`,
    `blue upgrade --check: blue ${result.next} is available (this is ${version}): run 'blue upgrade'`,
    expect.stringContaining(`✓ Upgraded blue ${version} → ${result.next}`),
    `daemon now runs blue ${result.next}`,
  ]);
  expect(result.steps[3]).toContain(`✓ Daemon restarted on blue ${result.next}`);
});
