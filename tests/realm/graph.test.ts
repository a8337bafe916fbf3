import { describe, expect, test } from "bun:test";
import { cycleIfAdded, detectCycles, domainEdges, formatCycle, mergeOrder, type Edge } from "../../src/realm/graph.ts";

const edge = (from: string, to: string, domain: string): Edge => ({ from, to, domain });

describe("domain graph", () => {
  test("a domain's edges run from each contract's owner to its importers", () => {
    const edges = domainEdges({
      name: "s3-access",
      members: ["aperture", "fungal", "ml"],
      contracts: [{ name: "s3-permissions", owner: "aperture" }],
      imports: [
        { repo: "fungal", contract: "s3-permissions" },
        { repo: "ml", contract: "s3-permissions" },
      ],
    });
    expect(edges).toEqual([edge("aperture", "fungal", "s3-access"), edge("aperture", "ml", "s3-access")]);
  });

  test("a domain without contracts runs from its first member to the others", () => {
    expect(domainEdges({ name: "d", members: ["a", "b", "c"], contracts: [], imports: [] })).toEqual([edge("a", "b", "d"), edge("a", "c", "d")]);
  });

  test("refuses a domain that closes a cycle, and names the path as the RFC prints it", () => {
    const cycle = cycleIfAdded([edge("a", "b", "s3-access")], [edge("b", "a", "feedback-loop")]);
    expect(cycle).toBeDefined();
    expect(formatCycle(cycle!)).toBe("a → (s3-access) → b → (feedback-loop) → a");
  });

  test("a second domain in the same direction is not a cycle", () => {
    expect(cycleIfAdded([edge("a", "b", "s3-access")], [edge("a", "b", "metrics")])).toBeUndefined();
  });

  test("a self-loop is a cycle", () => {
    const cycle = cycleIfAdded([], [edge("a", "a", "mirror")]);
    expect(formatCycle(cycle!)).toBe("a → (mirror) → a");
    expect(detectCycles([edge("a", "a", "mirror")]).map(formatCycle)).toEqual(["a → (mirror) → a"]);
  });

  test("a chain of 200 domains closed at its end is found, with the whole path", () => {
    const chain = Array.from({ length: 200 }, (_, i) => edge(`r${i}`, `r${i + 1}`, `d${i}`));
    const cycle = cycleIfAdded(chain, [edge("r200", "r0", "closing")])!;
    expect(cycle).toHaveLength(201);
    expect(formatCycle(cycle).startsWith("r0 → (d0) → r1 → (d1) → r2")).toBe(true);
    expect(formatCycle(cycle).endsWith("r200 → (closing) → r0")).toBe(true);
    expect(detectCycles([...chain, edge("r200", "r0", "closing")])).toHaveLength(1);
    expect(detectCycles(chain)).toEqual([]);
  });

  test("diamonds are not cycles", () => {
    const diamond = [edge("a", "b", "d1"), edge("a", "c", "d2"), edge("b", "d", "d3"), edge("c", "d", "d4")];
    expect(detectCycles(diamond)).toEqual([]);
    expect(cycleIfAdded(diamond, [edge("a", "d", "d5")])).toBeUndefined();
    const stacked = [...diamond, edge("d", "e", "d6"), edge("d", "f", "d7"), edge("e", "g", "d8"), edge("f", "g", "d9")];
    expect(detectCycles(stacked)).toEqual([]);
    expect(formatCycle(cycleIfAdded(stacked, [edge("g", "a", "back")])!)).toBe("a → (d1) → b → (d3) → d → (d6) → e → (d8) → g → (back) → a");
  });

  test("merge order puts providers before their importers", () => {
    const edges = [edge("fungal", "ml", "training"), edge("aperture", "fungal", "s3")];
    expect(mergeOrder(edges, ["ml", "fungal", "aperture", "solo"])).toEqual(["aperture", "fungal", "ml", "solo"]);
  });
});
