import { expect, test } from "bun:test";
import { openerArgv } from "../../src/system/open-file.ts";

test("the opener: $BROWSER's first program when set, else open on macOS and xdg-open elsewhere; always an argv", () => {
  expect(openerArgv("/tmp/a b.svg", { BROWSER: "firefox:chromium" }, "linux")).toEqual(["firefox", "/tmp/a b.svg"]);
  expect(openerArgv("/tmp/x.svg", {}, "darwin")).toEqual(["open", "/tmp/x.svg"]);
  expect(openerArgv("/tmp/x.svg", { BROWSER: "" }, "linux")).toEqual(["xdg-open", "/tmp/x.svg"]);
  expect(openerArgv("/tmp/$(rm -rf ~).svg", {}, "linux")).toEqual(["xdg-open", "/tmp/$(rm -rf ~).svg"]);
});
