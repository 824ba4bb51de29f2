import type { Stack } from "../../test/helpers/stack";
import type { FaultTarget } from "./target";

// The fault suite's two kinds of entries. A scenario injects a fault into the real stack and
// counts what survived; a security check throws hostile input at it and lists what got through.

export interface Figures {
  runs: number;
  /** Documents that should exist in the accounting system after the runs. */
  expected: number;
  /** Documents that do exist (each counted once). */
  booked: number;
  /** Documents beyond one per expected subject. */
  duplicates: number;
  /** Expected documents that do not exist. */
  lost: number;
  /** Jobs left pending, retrying, running or waiting when the scenario ended. */
  stuck: number;
  /** What the fault amounted to (how often it bit), so a passing row shows it was really injected. */
  note?: string;
}

export interface Scenario {
  name: string;
  runs: { ci: number; full: number };
  /** The systems it applies to (default both). */
  targets?: FaultTarget["provider"][];
  run(stack: Stack, runs: number, target: FaultTarget): Promise<Figures>;
}

export interface SecurityCheck {
  name: string;
  cases: { ci: number; full: number };
  /** Returns one line per case that was not refused as it should be (empty = the check holds). */
  run(stack: Stack, cases: number): Promise<{ cases: number; failures: string[] }>;
}
