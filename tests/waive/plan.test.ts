// `blue realm waive`'s plan as a pure function over the RFC's example realm: what it records, and what it refuses
// before anything is written (issue 19).
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Refused, UnknownName, UsageError } from "../../src/errors.ts";
import { loadRealm } from "../../src/realm/load.ts";
import { planWaiver, type WaiveInput } from "../../src/waive/plan.ts";

const good = () => loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good")).model;
const NOW = new Date("2026-11-30T10:00:00Z");
const INPUT: WaiveInput = { contract: "s3-permissions", rule: "required-removed", pointer: "/required/0", until: "2026-12-31", reason: " fungal reads it as optional " };
const plan = (over: Partial<WaiveInput> = {}, repo = "aperture", model = good()) => planWaiver(model, repo, { ...INPUT, ...over }, { now: NOW, recordedBy: "eric@example.com" });

describe("planWaiver", () => {
  test("records the rule, pointer, the contract's current version, the date, the reason and who asked", () => {
    expect(plan()).toEqual({
      domain: "s3-access",
      contract: "s3-permissions",
      file: "domains/s3-access/waivers/s3-permissions.yaml",
      waiver: { rule: "required-removed", pointer: "/required/0", from: "1.4.0", until: "2026-12-31", reason: "fungal reads it as optional", recorded_by: "eric@example.com", recorded_at: "2026-11-30T10:00:00Z" },
      replaces: null,
    });
  });

  test("today is still a valid last day; the root is the empty pointer", () => {
    expect(plan({ until: "2026-11-30", pointer: "" }).waiver.until).toBe("2026-11-30");
  });

  test("a waiver of the same finding and version replaces the earlier one", () => {
    const model = good();
    const earlier = { ...plan().waiver, until: "2026-12-01", reason: "first" };
    model.domains.get("s3-access")!.waivers.set("s3-permissions", { contract: "s3-permissions", waivers: [earlier] });
    expect(plan({}, "aperture", model).replaces).toEqual(earlier);
  });

  test("bad input is a usage error; another repo's contract is refused", () => {
    const thrown = (over: Partial<WaiveInput>, repo = "aperture") => {
      try {
        plan(over, repo);
      } catch (e) {
        return [(e as Error).constructor.name, (e as Error).message];
      }
      return undefined;
    };
    expect(thrown({ until: "2026-13-01" })).toEqual([UsageError.name, "--until '2026-13-01' is not a date like 2026-12-31"]);
    expect(thrown({ until: "2026-11-29" })).toEqual([UsageError.name, "--until 2026-11-29 is already past (today is 2026-11-30 UTC)"]);
    expect(thrown({ rule: "bump-too-small" })).toEqual([UnknownName.name, "unknown rule 'bump-too-small'"]);
    expect(thrown({ pointer: "required/0" })).toEqual([UsageError.name, "--pointer 'required/0' is not a JSON pointer: it must start with '/'"]);
    expect(thrown({ reason: "  " })).toEqual([UsageError.name, "--reason is empty"]);
    expect(thrown({ contract: "nope" })).toEqual([UnknownName.name, "unknown contract 'nope' in this realm"]);
    expect(thrown({}, "fungal-image-analysis")).toEqual([Refused.name, "s3-permissions is owned by aperture; only its owner records its waivers"]);
  });
});
