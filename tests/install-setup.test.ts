// The README's two set-up commands, `./install.sh --from-source` then `bun run test`, in order, on a machine with
// Node and git but no bun, as a new user with a user-level npm prefix (not on PATH) runs them (issue 22).
// SLOW (8-15 s here) and it needs the npm registry: npm installs bun, then a full build.
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { ASSET, dirs, type Dirs, entries, expectReceipt, install, removeSandboxes, ROOT, VERSION, versionOf } from "./install-sandbox.ts";

afterAll(removeSandboxes);

/** A PATH that has this machine's tools but no `bun` (and no gh), as on a machine with only Node and git. */
function pathWithoutBun(d: Dirs): string {
  const shadow = join(d.root, "path");
  mkdirSync(shadow);
  for (const dir of ["/usr/local/bin", "/usr/bin", "/bin"]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name === "bun" || name === "bunx" || name === "gh" || existsSync(join(shadow, name))) continue;
      symlinkSync(join(dir, name), join(shadow, name));
    }
  }
  return [shadow, "/usr/local/sbin", "/usr/sbin", "/sbin"].join(delimiter);
}

test(
  "--from-source with a user-level npm prefix: installs bun there, builds, and links bun beside blue so `bun run test` finds it",
  async () => {
    // A copy of the checkout, so the build neither rewrites dist/blue under other tests nor runs bun install
    // in the working tree. node_modules comes along, so `bun install --frozen-lockfile` needs no network.
    const d = dirs();
    const checkout = join(d.root, "checkout");
    cpSync(ROOT, checkout, {
      recursive: true,
      filter: (src) => {
        const rel = relative(ROOT, src);
        return rel !== ".git" && rel !== "dist" && !rel.startsWith(".git/") && !rel.startsWith("dist/");
      },
    });
    const prefix = join(d.home, ".npm-global");
    writeFileSync(join(d.home, ".npmrc"), `prefix=${prefix}\n`); // what `npm config set prefix ~/.npm-global` writes
    const PATH = pathWithoutBun(d);
    const bunHere = (path: string) => spawnSync("sh", ["-c", "bun --version"], { cwd: checkout, env: { ...process.env, HOME: d.home, PATH: path }, encoding: "utf8" });
    expect(bunHere(PATH).status).toBe(127); // the machine has no bun

    const r = await install(d, ["--from-source"], { script: join(checkout, "install.sh"), env: { PATH } });
    const log = /\(output in (\S+)\)/.exec(r.stderr)?.[1];
    if (log && existsSync(log)) console.error(`--- ${log}\n${readFileSync(log, "utf8")}`); // why the build failed
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(checkout, "dist/blue"))).toBe(true);
    const installed = join(d.bin, "blue");
    expect(versionOf(installed)).toBe(`blue ${VERSION}\n`);
    expect(statSync(installed).mode & 0o777).toBe(0o755);

    // npm put bun under the user-level prefix; install.sh linked it beside blue.
    expect(existsSync(join(prefix, "bin/bun"))).toBe(true);
    expect(lstatSync(join(d.bin, "bun")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d.bin, "bun"))).toBe(join(prefix, "bin/bun"));
    expect(entries(d.bin)).toEqual([".blue-install", "blue", "bun"]);
    expect(r.stdout).toContain(`✓ Linked bun 1.4.5 to ${d.bin}/bun (npm put it in ${prefix}/bin, which is not on your PATH)\n`);
    expect(r.stdout).toContain(`✓ Installed blue ${VERSION} to ${installed}\n`);
    expect(r.stdout).toContain(`  rm -f '${installed}' '${d.bin}/.blue-install' '${d.bin}/bun'\n`);
    expectReceipt(d, { version: VERSION, asset: ASSET, base: "" });
    expect(entries(d.tmp)).toEqual([]);

    // The README's second command: with the install dir on PATH (as install.sh says), `bun` is found. Before the
    // link it was "bun: not found" (exit 127), as above.
    const second = bunHere(`${d.bin}${delimiter}${PATH}`);
    expect(second.stderr).toBe("");
    expect(second.stdout.trim()).toBe("1.4.5");
    expect(second.status).toBe(0);
  },
  300_000,
);
