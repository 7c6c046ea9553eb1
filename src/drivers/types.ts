/**
 * The contract between the runner and a provider. A driver invokes one function
 * once and says what happened; it declares what it can do through capabilities so
 * the runner never branches on a provider's name.
 */
import type { Capabilities, Invocation, Outcome } from '../model/invocation.ts';
import type { PriceModel } from '../model/price.ts';
import type { TargetInfo } from '../model/result.ts';

/** What a driver could check of its forceCold: whether the platform's configuration shows the change. */
export interface ForceColdCheck {
  configured: boolean;
  /** Why it could not verify, when `configured` is false. */
  note?: string;
}

/** A provider driver bound to one target. */
export interface Driver {
  readonly capabilities: Capabilities;
  /** Describes the target for reports. */
  info(): TargetInfo;
  /** Resolves credentials, starts local parts, checks the function exists. Throws FxError on failure. */
  prepare(signal?: AbortSignal): Promise<void>;
  /** Invokes the function once. Never throws for a failed invocation. */
  invoke(inv: Invocation, signal?: AbortSignal): Promise<Outcome>;
  /**
   * Makes following invocations cold, where `capabilities.forceCold`. May say
   * whether the change was read back (the runner also checks that the next
   * invocations land on a new instance before it reports `forcedCold: true`).
   */
  forceCold?(signal?: AbortSignal): Promise<ForceColdCheck | undefined | void>;
  /** What prepare learned that the plan should say (e.g. "an emulator: invoke only"), one line each. */
  notes?(): string[];
  /** Changes memory size, where `capabilities.setMemory`. */
  setMemory?(memoryMB: number, signal?: AbortSignal): Promise<void>;
  /**
   * How this target's invocations are priced, called once after `prepare` (so it
   * can use what prepare learned: architecture, memory, region). Absent: the
   * runner projects with AWS Lambda's x86_64 rules.
   */
  priceModel?(): PriceModel;
  /**
   * What the results say when no invocation's cold state was observed: the signal
   * this driver looked for and did not find (e.g. "no REPORT log tail in the
   * responses"). Absent: a generic reason.
   */
  coldSignalMissing?(): string;
  /** Releases pools and stops local processes. Safe to call twice. */
  close(): Promise<void>;
}
