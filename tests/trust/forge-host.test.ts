import { describe, expect, test } from "bun:test";
import { HostNotPinned } from "../../src/errors.ts";
import { detectForge } from "../../src/forge/forge.ts";
import { pinnedHosts, requirePinnedHost, tokenHost } from "../../src/trust/forge-host.ts";

const forgejoAt = (url: string, realmUrl = "https://git.example.com/realms/letemcook.git") => detectForge(realmUrl, { type: "forgejo", url }, {});

describe("a forge token goes only to a pinned host", () => {
  test("the realm URL's own host is pinned, over https or ssh", () => {
    expect(() => requirePinnedHost("r", forgejoAt("https://git.example.com/api/v1"), "https://git.example.com/realms/r.git", {}, [])).not.toThrow();
    expect(() => requirePinnedHost("r", forgejoAt("https://git.example.com/api/v1"), "git@git.example.com:realms/r.git", {}, [])).not.toThrow();
  });

  test("realm.yaml naming another host is refused, naming both hosts and the way to accept it", () => {
    const err = (() => {
      try {
        requirePinnedHost("r", forgejoAt("http://127.0.0.1:9999"), "https://git.example.com/realms/r.git", {}, []);
      } catch (e) {
        return e as HostNotPinned;
      }
    })();
    expect(err).toBeInstanceOf(HostNotPinned);
    expect(err!.exitCode).toBe(78);
    expect(err!.message).toBe("realm.yaml's forge: would send realm r's token to 127.0.0.1:9999, but this machine pinned only git.example.com for it: nothing was sent");
    expect(err!.hint).toContain("blue realm trust --forge-host 127.0.0.1:9999");
  });

  test("a port is part of the host: the same name on another port is another host", () => {
    expect(() => requirePinnedHost("r", forgejoAt("https://git.example.com:8443/api/v1"), "https://git.example.com/realms/r.git", {}, [])).toThrow(HostNotPinned);
  });

  test("recorded hosts and the hosts the environment names are pinned", () => {
    const t = forgejoAt("https://api.forge.example/api/v1");
    expect(() => requirePinnedHost("r", t, "/srv/realms/r.git", {}, ["api.forge.example"])).not.toThrow();
    expect(() => requirePinnedHost("r", t, "/srv/realms/r.git", { BLUE_FORGEJO_API_URL: "https://api.forge.example/api/v1" }, [])).not.toThrow();
    expect(() => requirePinnedHost("r", t, "/srv/realms/r.git", {}, [])).toThrow(HostNotPinned);
  });

  test("github.com pins its API host", () => {
    const t = detectForge("https://github.com/octo/realm.git", { type: "github" }, {});
    expect(tokenHost(t)).toBe("api.github.com");
    expect(pinnedHosts("https://github.com/octo/realm.git", {}, []).has("api.github.com")).toBe(true);
    expect(() => requirePinnedHost("r", t, "https://github.com/octo/realm.git", {}, [])).not.toThrow();
  });
});
