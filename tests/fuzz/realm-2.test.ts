// Issue 18: mutated realm files through load, status and check, in-process: the second half of the cases
// (tests/fuzz/suite.ts says how to replay one; realm-1.test.ts has the first half).
import { fuzzCases, TOTAL } from "./suite.ts";

fuzzCases(Math.ceil(TOTAL / 2), TOTAL);
