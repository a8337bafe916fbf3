// Notifications have a lifecycle derived from realm state: pending while a version above the importer's
// resolved_version is published or proposed, cleared by its acknowledging sync (here at once, on other machines
// when their daemons fetch), listed with ids that are the same on every machine, dismissable locally.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { stackTrace } from "./sandbox.ts";

type Listed = { key: string; version: string; pending: boolean };
const listed = (stdout: string) => (JSON.parse(stdout) as { notifications: Listed[] }).notifications;

describe("notification lifecycle", () => {
  const world = dailyDevelopment();
  const { sb, aperture, fungal, writeCode } = world;
  afterAll(() => sb.shutDaemon());
  // The consumer first acknowledges what is published, as it would after joining.
  expect(sb.blue(fungal, "realm", "sync").code).toBe(0);

  test("a version the provider proposes waits for the importer, and its acknowledging sync clears it", () => {
    writeCode({ ...VALUE, write: [...VALUE.write, "a/*"] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    const before = sb.blue(fungal, "realm", "notifications", "--json");
    expect(before.code).toBe(0);
    expect(listed(before.stdout).map((n) => [n.key, n.pending])).toEqual([["s3-access/s3-permissions@1.5.0", true]]);
    const text = sb.blue(fungal, "realm", "notifications").stdout;
    expect(text).toContain("• s3-access/s3-permissions@1.5.0  aperture updated s3-permissions to 1.5.0");

    expect(sb.blue(aperture, "realm", "status").stdout).toContain("Acknowledgements:\n  fungal-image-analysis acknowledged s3-permissions 1.4.0");
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    expect(sb.blue(fungal, "realm", "status").stdout).toContain("Notifications:\n  none\n");
    // The provider sees who acknowledged which version (RFC "Provider Sees").
    const provider = sb.blue(aperture, "realm", "status", "--refresh").stdout;
    expect(provider).toMatch(/Acknowledgements:\n  fungal-image-analysis acknowledged s3-permissions 1\.5\.0 \(/);
    expect(listed(sb.blue(fungal, "realm", "notifications", "--json").stdout)).toEqual([]);
    expect(listed(sb.blue(fungal, "realm", "notifications", "--all", "--json").stdout).map((n) => [n.key, n.pending])).toEqual([["s3-access/s3-permissions@1.5.0", false]]);
  });

  test("acknowledged versions leave no notification; a daemon that never saw them agrees", () => {
    for (let i = 0; i < 3; i++) {
      writeCode({ ...VALUE, write: [...VALUE.write, "a/*", ...Array.from({ length: i + 1 }, (_, j) => `b${j}/*`)] });
      expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
      expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    }
    expect(sb.blue(fungal, "realm", "status", "--refresh").stdout).toContain("Notifications:\n  none\n");
    // A fresh daemon (another machine's, or this one's after its database was lost) derives the same from the realm.
    sb.blue(sb.root, "daemon", "stop");
    rmSync(join(sb.env.BLUE_HOME!, "daemon.db"), { force: true });
    rmSync(join(sb.env.BLUE_HOME!, "daemon.db-wal"), { force: true });
    rmSync(join(sb.env.BLUE_HOME!, "daemon.db-shm"), { force: true });
    expect(sb.blue(fungal, "realm", "status").stdout).toContain("Notifications:\n  none\n");
  });

  test("a version published while no daemon ran is still owed; blue realm ack dismisses it here", () => {
    sb.blue(sb.root, "daemon", "stop");
    rmSync(join(sb.env.BLUE_HOME!, "daemon.db"), { force: true });
    writeCode({ ...VALUE, write: [...VALUE.write, "c/*"] });
    // The provider syncs with no daemon running: the version waits on its open sync branch.
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    sb.blue(sb.root, "daemon", "stop");
    rmSync(join(sb.env.BLUE_HOME!, "daemon.db"), { force: true });
    const status = sb.blue(fungal, "realm", "status");
    const version = /Contract 's3-permissions' updated to (1\.\d+\.0)/.exec(status.stdout)?.[1];
    expect(version).toBeDefined();
    const [n] = listed(sb.blue(fungal, "realm", "notifications", "--json").stdout);
    expect(n?.key).toBe(`s3-access/s3-permissions@${version}`);
    const ack = sb.blue(fungal, "realm", "ack", n!.key);
    expect(ack.code).toBe(0);
    expect(ack.stdout).toContain(`✓ Dismissed ${n!.key} on this machine`);
    expect(sb.blue(fungal, "realm", "status").stdout).toContain("Notifications:\n  none\n");
    const unknown = sb.blue(fungal, "realm", "ack", "s3-access/nope@9.9.9");
    expect(unknown.code).toBe(64);
    expect(stackTrace(unknown)).toBe(false);
    const none = sb.blue(fungal, "realm", "ack");
    expect(none.code).toBe(64);
    expect(none.stderr.split("\n")[0]).toBe("error: give a notification id or --contract");
  });
});
