/**
 * The bound on one search request's work: how many stored resources it may read as candidates
 * (matches, includes, and the Consents and client resources of a visible-set plan). Past it the
 * search answers 400 `too-costly` naming a narrower query, long before the Lambda timeout.
 *
 * @see docs/data-model.md ("Searches of a caller that sees little")
 */
import { badRequest, type FhirError } from '../../../shared/errors.js';

/** The default budget: candidates one search request may examine. */
export const MAX_CANDIDATES = 10_000;

/** The 400 `too-costly` answer, with narrower queries of `resourceType` to try instead. */
export function tooCostly(limit: number, resourceType: string): FhirError {
  return badRequest(
    `This search would examine more than ${limit} stored resources; narrow it, e.g. ` +
      `${resourceType}?patient=Patient/<id> (or patient:identifier=urn:oid:1.2.246.21|<henkilötunnus>), ` +
      `${resourceType}?identifier=<system>|<value>, or a _lastUpdated range`,
    undefined,
    'too-costly',
  );
}

/** Counts the candidates one search request reads; shared by the search and its includes. */
export class ExaminedBudget {
  private examined = 0;

  constructor(
    readonly limit: number,
    private readonly resourceType: string,
  ) {}

  /** How many more candidates may be read. */
  get remaining(): number {
    return Math.max(0, this.limit - this.examined);
  }

  /**
   * How many items the next DynamoDB page should ask for: at most `size`, and no more than one
   * past what remains, so a walk stops (too costly) only when it truly needs more than the limit.
   */
  pageSize(size: number): number {
    return Math.min(size, this.remaining + 1);
  }

  /** Records `count` more candidates read; throws 400 `too-costly` once past the limit. */
  examine(count: number): void {
    this.examined += count;
    if (this.examined > this.limit) throw tooCostly(this.limit, this.resourceType);
  }
}
