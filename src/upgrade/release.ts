// The release contract (docs/releasing.md), pure: where a release's assets are, what SHA256SUMS says, and the
// install receipt install.sh writes beside the binary. install.sh and the release workflows follow the same one.
import { UsageError } from "../errors.ts";

/** Where releases are downloaded from unless BLUE_DOWNLOAD_URL says otherwise. */
export const DEFAULT_DOWNLOAD_BASE = "https://github.com/blue-realm/blue/releases/download";

/** The receipt's file name, beside the binary: install.sh writes it, `blue upgrade` needs it and rewrites it. */
export const RECEIPT_NAME = ".blue-install";

/** BLUE_DOWNLOAD_URL, else the base the receipt says this blue came from (a mirror stays the mirror), else GitHub. */
export function downloadBase(env: Record<string, string | undefined>, fromReceipt: string | undefined): string {
  const given = env.BLUE_DOWNLOAD_URL?.trim();
  if (given) {
    if (!isHttpUrl(given)) throw new UsageError(`BLUE_DOWNLOAD_URL must be an http(s) URL, not '${redact(given)}'`, `Unset it to use ${DEFAULT_DOWNLOAD_BASE}.`);
    return given;
  }
  // A base whose password was left out of the receipt cannot be used as written.
  return fromReceipt && isHttpUrl(fromReceipt) && !fromReceipt.includes("//***@") ? fromReceipt : DEFAULT_DOWNLOAD_BASE;
}

const isHttpUrl = (url: string) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);

/** A mirror's URL may carry a user and password: never shown, never written down. */
export const redact = (url: string) => url.replace(/\/\/[^/@]*@/, "//***@");

export const assetName = (target: string) => `blue-${target}`;

/**
 * The URL of one asset of release `version`, or of the newest release with "latest". A GitHub or Forgejo base
 * (…/releases/download) has its own redirect for the newest release (…/releases/latest/download/<asset>); any
 * other base (a mirror, a local server) lays out `latest/` itself.
 */
export function assetUrl(base: string, version: string | "latest", asset: string): string {
  const b = base.replace(/\/+$/, "");
  if (version !== "latest") return `${b}/v${version}/${asset}`;
  return b.endsWith("/releases/download") ? `${b.slice(0, -"/download".length)}/latest/download/${asset}` : `${b}/latest/${asset}`;
}

/** `sha256sum` output: `<64 hex>  <name>` (or ` *<name>`, binary mode) per line → name → lowercase hex. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const m = /^([0-9a-fA-F]{64}) [ *](\S+)\s*$/.exec(raw);
    if (m) sums.set(m[2]!, m[1]!.toLowerCase());
  }
  return sums;
}

/** The VERSION asset: one line `X.Y.Z` (a leading `v` is tolerated); undefined when it is anything else. */
export function parseVersionAsset(text: string): string | undefined {
  const v = text.trim().replace(/^v/, "");
  return /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(v) ? v : undefined;
}

/** The receipt's `key=value` lines, in order (a later key wins; blank and `#` lines are skipped). */
export function parseReceipt(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** The receipt after an upgrade: what was installed now, every other key (installer, …) kept as it was. */
export function upgradedReceipt(old: Map<string, string>, now: { version: string; asset: string; base: string; at: Date }): string {
  const next = new Map(old);
  if (!next.has("installer")) next.set("installer", "install.sh");
  next.set("version", now.version);
  next.set("asset", now.asset);
  next.set("base", now.base);
  next.set("installed_at", now.at.toISOString().replace(/\.\d{3}Z$/, "Z"));
  next.set("upgraded_by", "blue upgrade");
  return [...next].map(([k, v]) => `${k}=${v}\n`).join("");
}
