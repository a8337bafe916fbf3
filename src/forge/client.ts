// The client for a forge: Forgejo or GitHub, picked by the target's kind. Kept apart from forge.ts so that no
// client imports the module that imports it.
import { ForgeError } from "../errors.ts";
import type { Credential } from "./credentials.ts";
import type { Forge, ForgeTarget } from "./forge.ts";
import { createForgejo } from "./forgejo.ts";
import { createGithub } from "./github.ts";
import type { HttpOptions } from "./http.ts";

/** The client for a target's forge. The plain-git forge (`none`) has no API and is built elsewhere. */
export function createForge(target: ForgeTarget, credential: Credential | string, opts: HttpOptions = {}): Forge {
  const cred = typeof credential === "string" ? { token: credential, source: "the given token" } : credential;
  if (target.kind === "forgejo") return createForgejo(target, cred, opts);
  if (target.kind === "github") return createGithub(target, cred, opts);
  throw new ForgeError(`realm ${target.owner}/${target.repo} has no forge API (plain git)`, "Set `forge:` in realm.yaml to use Forgejo or GitHub.");
}
