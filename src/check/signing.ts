// Signed commits (realm.yaml `trust.require_signed_commits`): which SSH keys may have signed a commit, the
// allowed-signers file git verifies it with, and what its verdict means. Pure; git does the cryptography.
import type { FileChange, Signature } from "../git/commits.ts";
import type { SigningKey } from "../realm/schema.ts";

type Files = ReadonlyMap<string, unknown>;

/** An SSH public key's fingerprint as ssh-keygen and git print it: `SHA256:` and the unpadded base64 of the
 *  SHA-256 of the key blob. */
export function fingerprintOf(key: string): string {
  const blob = key.trim().split(/\s+/)[1] ?? "";
  return `SHA256:${new Bun.CryptoHasher("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}

const keyList = (v: unknown): SigningKey[] =>
  Array.isArray(v) ? v.filter((k): k is SigningKey => !!k && typeof k === "object" && typeof k.email === "string" && typeof k.key === "string") : [];
const record = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});

/**
 * Every key recorded for `email` before the commit (in any repos/*.yaml, and the approvers' in realm.yaml), and
 * the keys of repos that join in this very commit (their first commit can only be signed with a key it
 * brings). Which of them gives the author a say over which file is the ownership judgement's business.
 */
export function keysFor(before: Files, after: Files, changes: readonly FileChange[], email: string): string[] {
  const wanted = email.toLowerCase();
  const keys: SigningKey[] = [...keyList(record(record(before.get("realm.yaml")).governance).signing_keys)];
  for (const [path, data] of before) if (/^repos\/[^/]+\.ya?ml$/.test(path)) keys.push(...keyList(record(data).signing_keys));
  for (const ch of changes) {
    if (ch.kind === "added" && /^repos\/[^/]+\.ya?ml$/.test(ch.path) && !before.has(ch.path)) keys.push(...keyList(record(after.get(ch.path)).signing_keys));
  }
  return [...new Set(keys.filter((k) => k.email.toLowerCase() === wanted).flatMap((k) => keyLine(k.key) ?? []))];
}

/** `type base64`, only when the key is well formed: realm data never reaches the file as anything else. */
function keyLine(key: string): string | undefined {
  const m = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,3})(?: |$)/.exec(key.trim());
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** git's allowed-signers file for these keys: one fixed principal (the email is matched by blue, not by ssh,
 *  so nothing from the realm is read by ssh-keygen as a pattern), git's namespace only. */
export function allowedSigners(keys: readonly string[]): string {
  return keys.map((k) => `author namespaces="git" ${k}\n`).join("");
}

/** What is wrong with a commit's signature, or undefined when it verified against a key recorded for its author. */
export function signatureProblem(sig: Signature, email: string): { rule: "unsigned-commit" | "bad-signature"; message: string } | undefined {
  if (sig.status === "G") return undefined;
  if (sig.status === "N") return { rule: "unsigned-commit", message: "not signed, and the realm requires signed commits (trust.require_signed_commits)" };
  const key = sig.fingerprint ? ` ${sig.fingerprint}` : "";
  const why =
    sig.status === "U"
      ? `signed with a key${key} that the realm does not record for ${email}`
      : sig.status === "B"
        ? "the signature does not match the commit"
        : sig.status === "X" || sig.status === "Y"
          ? `signed with an expired key${key}`
          : sig.status === "R"
            ? `signed with a revoked key${key}`
            : `the signature cannot be checked${key} (not an SSH signature, or no key is recorded for ${email})`;
  return { rule: "bad-signature", message: why };
}
