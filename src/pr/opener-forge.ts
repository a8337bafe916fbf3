// `blue realm pr` on Forgejo and GitHub: the PrOpener for a repo whose origin is on a forge (detected from the
// origin URL as for realms: github.com, BLUE_FORGEJO_URL's host, codeberg.org), token from the credential chain.
import { blueHome } from "../system/home.ts";
import type { PrOpener, PrTarget } from "./plan.ts";
import { resolveToken } from "../forge/credentials.ts";
import { createForge } from "../forge/client.ts";
import { detectForge } from "../forge/forge.ts";

/** A plain git remote: nothing to open; branch names stand in for PR numbers in the merge order. */
export const noForge: PrOpener = {
  forge: "none",
  find: async () => null,
  open: async () => null,
  update: async () => undefined,
  markBlockedBy: async () => "unsupported",
  status: async () => null,
};

const openers = new Map<string, Promise<PrOpener>>();

export function forgePrOpener(target: PrTarget): Promise<PrOpener> {
  const t = detectForge(target.remote_url ?? "", undefined, process.env);
  if (t.kind === "none") return Promise.resolve(noForge);
  const key = `${t.apiUrl} ${t.owner}/${t.repo}`;
  if (!openers.has(key)) openers.set(key, build(target));
  return openers.get(key)!;
}

async function build(target: PrTarget): Promise<PrOpener> {
  const t = detectForge(target.remote_url ?? "", undefined, process.env);
  const forge = createForge(t, await resolveToken(t, { env: process.env, blueHome: blueHome() }));
  const ref = (pr: { number: number; url: string }) => ({ number: pr.number, url: pr.url });
  return {
    forge: t.kind,
    async find(x) {
      const pr = await forge.findOpenPullRequest(x.branch);
      return pr ? ref(pr) : null;
    },
    async open(x, text) {
      return ref(await forge.openPullRequest({ title: text.title, body: text.body, head: x.branch, base: x.base, draft: text.draft }));
    },
    async update(_x, r, text) {
      await forge.updatePullRequest(r.number, { title: text.title, body: text.body });
    },
    async markBlockedBy(_x, r, blockers) {
      let result: "linked" | "unsupported" = "unsupported";
      for (const b of blockers) {
        const bt = detectForge(b.target.remote_url ?? "", undefined, process.env);
        // A dependency can only point at a PR on the same forge.
        if (bt.kind !== t.kind || bt.apiUrl !== t.apiUrl) continue;
        result = await forge.addBlockedBy(r.number, { owner: bt.owner, repo: bt.repo, number: b.ref.number });
      }
      return result;
    },
    async status(x, r) {
      const pr = await forge.getPullRequest(r.number);
      const [reviews, checks] = await Promise.all([forge.listReviews(r.number), forge.commitChecks(pr.head_sha ?? x.branch)]);
      return { state: pr.state, draft: pr.draft, checks, approvals: reviews.filter((v) => v.state === "approved").length };
    },
  };
}
