// The executable starts with JavaScriptCore's tier-up thresholds scaled up (build.ts --compile-jit-policy): a
// command's start-up code runs once, and compiling it on the JIT threads cost more CPU than it saved (`blue realm
// pr` ~10% of its time, `pr --help` 15.9 -> 13.4 ms on this 2-core machine). Work that runs long enough for the JIT
// to pay asks for the normal policy when it begins: the daemon and its workers, checks, graphs, the compatibility
// engine, a big realm's load (bench/README.md, "JIT policy").
let full = false;

export function fullJit(): void {
  if (full) return;
  full = true;
  Bun.unsafe.setJITPolicy(1);
}
