/**
 * OperationOutcome helpers: every failure a client sees is built here, and the HTTP status
 * is derived from the outcome in one place ({@link FhirError}).
 *
 * @see https://hl7.org/fhir/R4/operationoutcome.html
 * @see https://hl7.org/fhir/R4/valueset-issue-type.html
 */
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';

/** Issue type codes from the R4 IssueType value set (required binding). */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'unknown'
  | 'expired'
  | 'forbidden'
  | 'suppressed'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'extension'
  | 'too-costly'
  | 'business-rule'
  | 'conflict'
  | 'transient'
  | 'lock-error'
  | 'no-store'
  | 'exception'
  | 'timeout'
  | 'incomplete'
  | 'throttled'
  | 'informational';

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** One problem, before it is wrapped into an OperationOutcome. */
export interface Issue {
  readonly severity?: IssueSeverity;
  readonly code: IssueCode;
  readonly diagnostics: string;
  /** FHIRPath-style locations, e.g. `CarePlan.activity[0].detail.status`. */
  readonly expression?: readonly string[];
}

/** Builds an OperationOutcome from issues (severity defaults to `error`). */
export function operationOutcome(issues: readonly Issue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((issue): OperationOutcomeIssue => {
      const out: OperationOutcomeIssue = {
        severity: issue.severity ?? 'error',
        code: issue.code,
        diagnostics: issue.diagnostics,
      };
      if (issue.expression && issue.expression.length > 0) out.expression = [...issue.expression];
      return out;
    }),
  };
}

/** An informational outcome for `Prefer: return=OperationOutcome` and batch entries. */
export function allOk(diagnostics = 'All OK'): OperationOutcome {
  return operationOutcome([{ severity: 'information', code: 'informational', diagnostics }]);
}
