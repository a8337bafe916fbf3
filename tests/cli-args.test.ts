// blue parses command lines itself (citty's parser loads node:util, ~1.6 ms of every start). It must read every
// command line citty reads the way citty does, and refuse what blue has always refused.
import { describe, expect, test } from "bun:test";
import { parseArgs as cittyParse, type ArgsDef } from "citty";
import { parseCommandArgs } from "../src/cli-args.ts";
import { UnknownName, UsageError } from "../src/errors.ts";

const defs = {
  name: { type: "positional", description: "", required: true },
  extra: { type: "positional", description: "", required: false },
  json: { type: "boolean", description: "" },
  cache: { type: "boolean", default: true, description: "" },
  mode: { type: "enum", options: ["contract", "importer"], description: "" },
  "hook-timeout": { type: "string", default: "60", description: "" },
  lines: { type: "string", alias: "n", description: "" },
  dryRun: { type: "boolean", description: "" },
} satisfies ArgsDef;

function fails(argv: string[]): string {
  try {
    parseCommandArgs(defs, argv, "blue test");
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).hint).toBe("Run 'blue test --help' for usage.");
    return (e as Error).message;
  }
  throw new Error(`accepted ${argv.join(" ")}`);
}

describe("command line arguments", () => {
  test("each type, defaults, --no-, =value, aliases and spellings", () => {
    const a = parseCommandArgs(defs, ["x", "--json", "--no-cache", "--mode=importer", "--hook-timeout", "5", "-n", "3", "--dry-run"], "blue test");
    expect({ ...a }).toMatchObject({ _: ["x"], name: "x", extra: undefined, json: true, cache: false, mode: "importer", "hook-timeout": "5", hookTimeout: "5", lines: "3", n: "3", dryRun: true, "dry-run": true });
    const b = parseCommandArgs(defs, ["x", "y", "--json=false", "--", "--not-a-flag"], "blue test");
    expect({ ...b }).toMatchObject({ _: ["x", "y", "--not-a-flag"], name: "x", extra: "y", json: false, cache: true, "hook-timeout": "60" });
    expect(b.mode).toBeUndefined();
    expect((parseCommandArgs(defs, ["x", "--lines="], "blue test") as Record<string, unknown>).lines).toBe("");
  });

  test("what blue refuses, with citty's words where citty refuses it too", () => {
    expect(fails(["x", "--bogus"])).toBe("unknown flag '--bogus' for 'blue test'");
    expect(fails(["x", "--bogus=1"])).toBe("unknown flag '--bogus' for 'blue test'");
    expect(fails(["x", "--no-mode"])).toBe("unknown flag '--no-mode' for 'blue test'");
    expect(fails(["x", "--lines"])).toBe("flag needs a value: --lines");
    expect(fails(["x", "-n", "--json"])).toBe("flag needs a value: --n");
    expect(fails(["x", "y", "z"])).toBe('unexpected argument "z" for "blue test"');
    expect(fails([])).toBe("Missing required positional argument: NAME");
    expect(fails(["x", "--mode", "bogus"])).toBe("Invalid value for argument: --mode (bogus). Expected one of: contract, importer.");
    expect(fails(["x", "--mode"])).toBe("flag needs a value: --mode");
    expect(() => parseCommandArgs({ name: { type: "string", required: true } }, [], "blue test")).toThrow("Missing required argument: --name");
  });

  test("an unknown flag carries the flags it could have meant (cli.ts picks the closest)", () => {
    try {
      parseCommandArgs(defs, ["x", "--jsno"], "blue test");
      throw new Error("accepted --jsno");
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownName);
      expect((e as UnknownName).given).toBe("--jsno");
      expect((e as UnknownName).candidates).toEqual(expect.arrayContaining(["--json", "--no-json", "--no-cache", "--hook-timeout", "--dry-run", "--help"]));
      expect((e as UnknownName).candidates).not.toContain("--name");
    }
  });

  test("agrees with citty's parser on 3,000 generated command lines that blue accepts", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pieces = [
      () => ["--json"], () => ["--no-json"], () => ["--json=false"], () => ["--json=yes"], () => ["--cache"], () => ["--no-cache"],
      () => ["--mode", ["contract", "importer"][rand(2)]!], () => [`--mode=${["contract", "importer"][rand(2)]}`],
      () => ["--hook-timeout", String(rand(100))], () => [`--hook-timeout=${rand(100)}`],
      () => ["-n", String(rand(9))], () => ["--lines", "a b"], () => ["--lines=x=y"], () => ["--dry-run"], () => ["--no-dry-run"],
      () => ["word"], () => ["-"],
    ];
    // (Not mixed: two spellings of one flag, e.g. --hook-timeout and --hookTimeout, which citty may read as two values.)
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const argv: string[] = ["first"];
      for (let k = rand(6); k > 0; k--) argv.push(...pieces[rand(pieces.length)]!());
      if (rand(4) === 0) argv.push("--", "--json");
      let ours: Record<string, unknown>;
      try {
        ours = parseCommandArgs(defs, argv, "blue test");
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError); // an extra positional: citty ignores it, blue refuses it
        continue;
      }
      const theirs = cittyParse(argv, defs) as Record<string, unknown>;
      // Of `--flag` and `--no-flag`, blue takes the last given; citty lets `--no-flag` win wherever it stands.
      for (const [flag, keys] of [["json", ["json"]], ["cache", ["cache"]], ["dry-run", ["dryRun", "dry-run"]]] as const) {
        const flags = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length);
        const given = flags.filter((a) => a === `--no-${flag}` || a === `--${flag}` || a.startsWith(`--${flag}=`));
        const last = given.at(-1);
        if (given.includes(`--no-${flag}`) && last !== `--no-${flag}`) for (const k of keys) theirs[k] = !last!.endsWith("=false");
      }
      for (const key of [...Object.keys(defs), "_", "hookTimeout", "dry-run", "n"]) expect({ argv, key, value: ours[key] }).toEqual({ argv, key, value: theirs[key] });
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
