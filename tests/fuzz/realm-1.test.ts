// Issue 18: mutated realm files through load, status and check, in-process: the first half of the cases
// (tests/fuzz/suite.ts says how to replay one; realm-2.test.ts has the second half).
import { fuzzCases, TOTAL } from "./suite.ts";

fuzzCases(0, Math.ceil(TOTAL / 2));
