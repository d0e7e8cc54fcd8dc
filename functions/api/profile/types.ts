/**
 * The vocabulary of profile enforcement: a rule checks one constraint of one differential
 * element and reports where it failed.
 */
import type { IssueCode } from '../../shared/operation-outcome.js';

/** What a differential element constrains, as a rule kind. */
export type RuleKind = 'min' | 'max' | 'type' | 'binding' | 'fixed' | 'pattern' | 'invariant';

/** A value inside the resource being checked, with its FHIRPath location. */
export interface Located {
  readonly value: unknown;
  /** FHIRPath of the value, e.g. `CareTeam.participant[1].role[0]`. */
  readonly at: string;
  /** The JSON property it was read from (for a choice element, e.g. `valueDate`). */
  readonly key?: string;
}

/** One place where a rule failed. */
export interface Violation {
  /** FHIRPath of the offending (or missing) element. */
  readonly expression: string;
  /** What was found there. */
  readonly detail: string;
}

/** What a check may need besides the resource. */
export interface RuleContext {
  /** The instant of the write (a coordinator's period is judged against it). */
  readonly now: Date;
}

/** One enforced constraint of a profile's differential. */
export interface ProfileRule {
  /** `ElementDefinition.id` of the differential element, e.g. `CarePlan.careTeam` or `Consent.extension:consentMethod`. */
  readonly element: string;
  readonly kind: RuleKind;
  /** The constraint key, for an invariant (`sct-1`). */
  readonly key?: string;
  /** The rule as a reader sees it: `min 1`, `fixed 'plan'`, the invariant's human text. */
  readonly statement: string;
  /** OperationOutcome issue type of a failure. */
  readonly code: IssueCode;
  /** The violations in the value at `root` (the resource, or an extension for an extension's rules). */
  check(root: Located, context: RuleContext): Violation[];
}

/** A hand-written invariant check, kept beside the StructureDefinition that declares the constraint. */
export type InvariantCheck = (node: Located, context: RuleContext) => Violation[];
