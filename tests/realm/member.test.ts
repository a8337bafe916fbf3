// The quick read of .blue/config.yaml (no zod, no `yaml`) must accept only what the exact read accepts, and
// give the same data; anything else goes to the exact read, which says what is wrong.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { asWritten, plainConfig, quickMember } from "../../src/realm/member.ts";
import { LocalConfig } from "../../src/realm/schema.ts";
import { ConfigError } from "../../src/errors.ts";
import { readMember } from "../../src/realm/workspace.ts";

function repoWith(config: string): string {
  const root = mkdtempSync(join(tmpdir(), "blue-member-"));
  mkdirSync(join(root, ".blue"));
  writeFileSync(join(root, ".blue", "config.yaml"), config);
  return root;
}

describe("the quick read of .blue/config.yaml", () => {
  test("reads what blue writes; absent or unusual files are left to the exact read", () => {
    const root = repoWith("realm:\n  name: letemcook\n  url: /home/me/.blue/remotes/letemcook.git\nrepo: aperture\n");
    expect(quickMember(root)).toEqual({ root, config: { realm: { name: "letemcook", url: "/home/me/.blue/remotes/letemcook.git" }, repo: "aperture" }, configPath: join(root, ".blue", "config.yaml") });
    expect(quickMember(mkdtempSync(join(tmpdir(), "blue-member-")))).toBeUndefined();
    // An anchor, a duplicate key, a bad name: the quick read steps aside, and the exact read decides.
    const anchored = repoWith("realm: &r\n  name: letemcook\n  url: u\nrepo: aperture\n");
    expect(quickMember(anchored)).toBeUndefined();
    expect(readMember(anchored)?.config.repo).toBe("aperture");
    const duplicate = repoWith("realm:\n  name: a\n  url: u\nrepo: b\nrepo: c\n");
    expect(quickMember(duplicate)).toBeUndefined();
    expect(() => readMember(duplicate)).toThrow(ConfigError);
    const badName = repoWith("realm:\n  name: Bad\n  url: u\nrepo: b\n");
    expect(quickMember(badName)).toBeUndefined();
    expect(() => readMember(badName)).toThrow(ConfigError);
  });

  test("accepts a value exactly when LocalConfig does, with the same data (4,000 generated values)", () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const names: unknown[] = ["aperture", "a", "0x", "a.b_c-d", "a..b", "Aperture", "-a", ".a", "a b", "", "x".repeat(100), "x".repeat(101), 7, null, true, ["a"], { a: 1 }, "é"];
    const urls: unknown[] = ["/r.git", "https://git.example.com/realms/r.git", "", " ", 1, null, ["u"]];
    const pick = <T>(xs: readonly T[]) => (rand(3) > 0 ? xs[rand(4)]! : xs[rand(xs.length)]!); // mostly valid ones
    const obj = (entries: [string, unknown][]) => Object.fromEntries(entries.filter(() => rand(30) !== 0));
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      const realm = rand(10) === 0 ? pick(names) : obj([["name", pick(names)], ["url", pick(urls)], ...(rand(8) === 0 ? [["extra", 1] as [string, unknown]] : [])]);
      const value = rand(20) === 0 ? pick([null, [], "x", 3]) : obj([["realm", realm], ["repo", pick(names)], ...(rand(8) === 0 ? [["port", 1] as [string, unknown]] : [])]);
      const quick = plainConfig(value);
      const exact = LocalConfig.safeParse(value);
      expect({ value, accepted: quick !== undefined }).toEqual({ value, accepted: exact.success });
      if (quick === undefined) continue;
      expect(quick).toEqual(exact.data!);
      accepted++;
    }
    expect(accepted).toBeGreaterThan(500);
  });

  test("the file as blue writes it is read without a YAML parser, and only when `yaml` reads the same (6,000 generated texts)", () => {
    let seed = 29;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    // Values YAML reads as strings, and ones it reads as something else or not at all.
    const names = ["aperture", "letemcook", "a.b_c-d", "x1", "0x1f", "123", "1e3", "true", "null", "Null", "yes", "no", "on", "a..b", "Aperture", "-a", ".inf", "~", "a:b", "a#b", "é"];
    const urls = ["/home/me/.blue/remotes/letemcook.git", "https://git.example.com/realms/r.git", "git@github.com:octo/realm.git", "file:///srv/realm.git", "../realm.git", "~/realm.git", "r.git:", "-r", "?r", ":r", "@r", "%r", "a: b", "a #b", "a#b", "[r]", "{r}", "r,s", "'r'", '"r"', "1.5", "0o17", ".nan", "null", "FALSE", "*r", "&r", "!r", "|", ">", "r\tx"];
    const pick = (xs: readonly string[]) => xs[rand(3) > 0 ? rand(4) : rand(xs.length)]!;
    let read = 0;
    for (let i = 0; i < 6000; i++) {
      const head = ["", "# blue: this repo's realm membership. The realm repo holds everything else.\n\n", "\n", "# a\n# b\n"][rand(4)]!;
      const text = `${head}realm:\n  name: ${pick(names)}\n  url: ${pick(urls)}\nrepo: ${pick(names)}\n${rand(10) === 0 ? "extra: 1\n" : ""}`;
      const quick = asWritten(text);
      if (quick === undefined) continue;
      const exact = LocalConfig.safeParse(parse(text));
      expect({ text, exact: exact.success ? exact.data : exact.error.issues[0]?.message }).toEqual({ text, exact: quick });
      read++;
    }
    expect(read).toBeGreaterThan(1500);
  });
});
