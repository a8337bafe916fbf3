// A seeded realm shaped like a real one for the graph (tests/graph and bench/graph.ts): repos in domains of 2–5
// members, contracts owned by one member and imported by later ones (so no cycle), majors and minors, ranges
// that now and then exclude the newest version, importers now and then a version behind. Same seed, same files.
//   bun bench/graph-realm.ts <dir> [repos] [contracts] [seed]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rng } from "../tests/seeded.ts";

export type GraphRealmSize = { repos: number; domains: number; contracts: number; seed: number };

const DATE = "2026-01-24T10:00:00Z";

export function writeGraphRealm(dir: string, size: GraphRealmSize): void {
  const random = rng(size.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const repo = (i: number) => `repo-${String(i).padStart(3, "0")}`;
  mkdirSync(join(dir, "repos"), { recursive: true });
  writeFileSync(join(dir, "realm.yaml"), `name: generated\nversion: "1.0.0"\ncreated_at: ${DATE}\n`);
  for (let r = 0; r < size.repos; r++) {
    const maintainers = Array.from({ length: 1 + pick(2) }, (_, k) => `team${r}-${k}@example.com`);
    writeFileSync(join(dir, "repos", `${repo(r)}.yaml`), `name: ${repo(r)}\nmaintainers: [${maintainers.join(", ")}]\njoined_at: ${DATE}\n`);
  }
  for (let d = 0; d < size.domains; d++) {
    const domain = `domain-${String(d).padStart(3, "0")}`;
    // Members by index, so an owner always comes before its importers: edges point one way only.
    const count = Math.min(size.repos, 2 + pick(4));
    const members = new Set<number>();
    while (members.size < count) members.add(pick(size.repos));
    const sorted = [...members].sort((a, b) => a - b);
    const base = join(dir, "domains", domain);
    mkdirSync(join(base, "contracts"), { recursive: true });
    mkdirSync(join(base, "bindings"), { recursive: true });
    writeFileSync(join(base, "domain.yaml"), `name: ${domain}\ncreated_at: ${DATE}\nmembers: [${sorted.map(repo).join(", ")}]\n`);
    // The first one or two members provide, the rest consume (a binding is one or the other).
    const providers = sorted.slice(0, sorted.length >= 4 && random() < 0.4 ? 2 : 1);
    const consumers = sorted.slice(providers.length);
    const exports = new Map<number, string[]>();
    const imports = new Map<number, string[]>();
    for (let c = d; c < size.contracts; c += size.domains) {
      const name = `contract-${String(c).padStart(4, "0")}`;
      const owner = providers[pick(providers.length)]!;
      const major = 1 + pick(3);
      const minor = pick(5);
      const version = `${major}.${minor}.0`;
      const evolution = [...Array.from({ length: minor + 1 }, (_, m) => `${major}.${m}.0`)];
      if (major > 1) evolution.unshift(`${major - 1}.0.0`);
      writeFileSync(
        join(base, "contracts", `${name}.yaml`),
        [
          `name: ${name}`,
          `version: "${version}"`,
          `owner: ${repo(owner)}`,
          "schema: { type: object }",
          "value: {}",
          "evolution:",
          ...evolution.map((v) => `  - { version: "${v}", compatible: ${!(major > 1 && v === `${major}.0.0`)} }`),
          "",
        ].join("\n"),
      );
      exports.set(owner, [...(exports.get(owner) ?? []), `  - contract: ${name}`]);
      for (const m of consumers.filter(() => random() < 0.7)) {
        // One import in six still on the previous major's range; one in five resolved a minor behind.
        const old = major > 1 && random() < 1 / 6;
        const range = old ? `^${major - 1}.0.0` : `^${major}.0.0`;
        const resolved = old ? `${major - 1}.0.0` : minor > 0 && random() < 0.2 ? `${major}.${minor - 1}.0` : version;
        imports.set(m, [...(imports.get(m) ?? []), `  - { contract: ${name}, version: "${range}", status: current, resolved_version: "${resolved}" }`]);
      }
    }
    for (const m of sorted) {
      const exp = exports.get(m);
      const imp = imports.get(m);
      if (!exp && !imp) continue;
      const lines = [`repo: ${repo(m)}`, `role: ${exp ? "provider" : "consumer"}`, ...(exp ? ["exports:", ...exp] : []), ...(imp ? ["imports:", ...imp] : []), ""];
      writeFileSync(join(base, "bindings", `${repo(m)}.yaml`), lines.join("\n"));
    }
  }
}

if (import.meta.main) {
  const [dir, repos = "30", contracts = "40", seed = "21"] = process.argv.slice(2);
  if (!dir) throw new Error("usage: bun bench/graph-realm.ts <dir> [repos] [contracts] [seed]");
  const n = Number(contracts);
  writeGraphRealm(dir, { repos: Number(repos), domains: Math.max(1, Math.ceil(n / 5)), contracts: n, seed: Number(seed) });
  console.log(dir);
}
