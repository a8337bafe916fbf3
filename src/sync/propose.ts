// A realm change whose push to main the remote refused (a protected branch) becomes a pull request the forge's
// rules govern: opened through the realm's sync host (so its token goes only to a pinned host); on plain git
// the pushed branch is the proposal. blue decides when to ask; the forge decides whether it may merge.
import { syncHostFor } from "./host-for.ts";

export type Proposal = {
  /** Given to changeRealm as `propose`. */
  propose: (branch: string, message: string) => Promise<void>;
  /** Set once the change went to a branch instead of main: the branch and its PR, when the forge opened one. */
  made?: { branch: string; ref: string; url: string | null };
};

export function proposalFor(realm: string, clone: string, url: string): Proposal {
  const proposal: Proposal = {
    async propose(branch, message) {
      const host = await syncHostFor(realm, clone, url);
      const title = message.replace(/^blue:\s*/, "");
      const body = `${title}\n\nThe realm's main is protected, so \`blue\` proposes this change as a pull request. It lands when the forge's rules let it merge.`;
      const published = await host.publish({ branch, title, body, labels: [], reviewers: [], blockedBy: null });
      proposal.made = { branch, ref: published.ref, url: published.url };
    },
  };
  return proposal;
}

/** The line a command ends with: where its change went. */
export function landedLine(p: Proposal, url: string): string {
  if (!p.made) return `Pushed to ${url}`;
  if (p.made.url) return `The realm's main is protected: opened PR ${p.made.ref} (${p.made.url}); the change lands when it merges`;
  return `The realm's main is protected: pushed the change as branch ${p.made.branch} to ${url}; it lands when merged`;
}
