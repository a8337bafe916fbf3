// A coordinated change's record is written by whoever can push to the realm: the plain-git origins it names are
// contacted from this machine only when they are local or at a host pinned for the realm.
import { describe, expect, test } from "bun:test";
import { unpinnedGitOrigin } from "../../src/trust/forge-host.ts";

describe("which plain-git origins a record may make this machine contact", () => {
  const pins = new Set(["git.example.com"]);
  test("local paths and file:// URLs are read as they are", () => {
    expect(unpinnedGitOrigin("/srv/git/aperture.git", pins)).toBeUndefined();
    expect(unpinnedGitOrigin("file:///srv/git/aperture.git", pins)).toBeUndefined();
  });
  test("a pinned host is contacted, over ssh, scp-like ssh or https", () => {
    expect(unpinnedGitOrigin("git@git.example.com:acme/aperture.git", pins)).toBeUndefined();
    expect(unpinnedGitOrigin("ssh://git@git.example.com:2222/acme/aperture.git", pins)).toBeUndefined();
    expect(unpinnedGitOrigin("https://git.example.com/acme/aperture.git", pins)).toBeUndefined();
  });
  test("any other host is not, and the reason says how to pin it", () => {
    expect(unpinnedGitOrigin("https://tarpit.example.net/x.git", pins)).toBe("tarpit.example.net is not a host this machine pinned for the realm (pin it with 'blue realm trust --forge-host tarpit.example.net')");
    expect(unpinnedGitOrigin("git@10.0.0.7:x.git", pins)).toContain("10.0.0.7 is not a host");
    expect(unpinnedGitOrigin("https://git.example.com.evil.net/x.git", pins)).toContain("git.example.com.evil.net");
  });
});
