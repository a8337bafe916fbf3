// The release contract as blue upgrade reads it: asset URLs, SHA256SUMS, VERSION and install.sh's receipt.
import { describe, expect, test } from "bun:test";
import { assetUrl, downloadBase, parseReceipt, parseSha256Sums, parseVersionAsset, upgradedReceipt } from "../../src/upgrade/release.ts";

const A = "a".repeat(64);
const B = "B".repeat(64);

describe("assetUrl", () => {
  test("a version is under its tag, on any base", () => {
    expect(assetUrl("https://github.com/blue-realm/blue/releases/download", "1.2.3", "VERSION")).toBe("https://github.com/blue-realm/blue/releases/download/v1.2.3/VERSION");
    expect(assetUrl("http://127.0.0.1:8080/", "1.2.3", "blue-linux-x64")).toBe("http://127.0.0.1:8080/v1.2.3/blue-linux-x64");
  });

  test("the newest release: the forge's latest/download redirect, or a mirror's own latest/", () => {
    expect(assetUrl("https://github.com/blue-realm/blue/releases/download", "latest", "VERSION")).toBe("https://github.com/blue-realm/blue/releases/latest/download/VERSION");
    expect(assetUrl("https://codeberg.org/blue-realm/blue/releases/download/", "latest", "SHA256SUMS")).toBe("https://codeberg.org/blue-realm/blue/releases/latest/download/SHA256SUMS");
    expect(assetUrl("https://mirror.example/blue", "latest", "VERSION")).toBe("https://mirror.example/blue/latest/VERSION");
  });
});

describe("downloadBase", () => {
  const GH = "https://github.com/blue-realm/blue/releases/download";
  test("BLUE_DOWNLOAD_URL first, then the receipt's base, then GitHub", () => {
    expect(downloadBase({ BLUE_DOWNLOAD_URL: "https://m.example/b" }, "https://r.example/b")).toBe("https://m.example/b");
    expect(downloadBase({ BLUE_DOWNLOAD_URL: " " }, "https://r.example/b")).toBe("https://r.example/b");
    expect(downloadBase({}, "")).toBe(GH); // install.sh --from-source leaves base empty
    expect(downloadBase({}, undefined)).toBe(GH);
    expect(downloadBase({}, "https://***@r.example/b")).toBe(GH); // its password was not written down
  });

  test("a BLUE_DOWNLOAD_URL that is not http(s) is a usage error that does not show its password", () => {
    expect(() => downloadBase({ BLUE_DOWNLOAD_URL: "file:///tmp/x" }, undefined)).toThrow("BLUE_DOWNLOAD_URL must be an http(s) URL, not 'file:///tmp/x'");
    expect(() => downloadBase({ BLUE_DOWNLOAD_URL: "ftp://u:secret@m/b" }, undefined)).toThrow("not 'ftp://***@m/b'");
  });
});

describe("parseSha256Sums", () => {
  test("sha256sum's lines, text or binary mode; the hex is lowercased; other lines are ignored", () => {
    const sums = parseSha256Sums(`${A}  blue-linux-x64\n${B} *blue-darwin-arm64\nnot a line\n${"c".repeat(63)}  short\n\n`);
    expect([...sums]).toEqual([
      ["blue-linux-x64", A],
      ["blue-darwin-arm64", B.toLowerCase()],
    ]);
  });
});

describe("parseVersionAsset", () => {
  test("one version line, a v tolerated; anything else is not one", () => {
    expect(parseVersionAsset("0.2.0\n")).toBe("0.2.0");
    expect(parseVersionAsset("v1.0.0-rc.1")).toBe("1.0.0-rc.1");
    for (const bad of ["", "<html>Not Found</html>", "0.2", "0.2.0\n0.3.0"]) expect(parseVersionAsset(bad)).toBeUndefined();
  });
});

describe("the receipt", () => {
  test("read as key=value lines", () => {
    const r = parseReceipt("installer=install.sh\nversion=0.1.0\n# note\n\nbase=https://x/y?a=b\n");
    expect(Object.fromEntries(r)).toEqual({ installer: "install.sh", version: "0.1.0", base: "https://x/y?a=b" });
  });

  test("rewritten after an upgrade: the new version, asset, base and time; other keys kept", () => {
    const old = parseReceipt("installer=install.sh\nversion=0.1.0\nasset=blue-linux-x64\nbase=\ninstalled_at=2026-01-01T00:00:00Z\nextra=kept\n");
    const text = upgradedReceipt(old, { version: "0.2.0", asset: "blue-linux-x64", base: "http://m/b", at: new Date("2026-11-30T12:00:00.123Z") });
    expect(text).toBe(
      "installer=install.sh\nversion=0.2.0\nasset=blue-linux-x64\nbase=http://m/b\ninstalled_at=2026-11-30T12:00:00Z\nextra=kept\nupgraded_by=blue upgrade\n",
    );
  });
});
