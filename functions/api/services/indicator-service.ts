/**
 * The data of `CarePlan/$indicators`, read through the search service — the same visible-set
 * plans, matcher and access decision as a search, one examined budget for the whole operation —
 * and the indicators computed from it.
 *
 * @see docs/indicators.md
 */
import { badRequest, FhirError } from '../../shared/errors.js';
import { computeIndicators, type IndicatorResults, type ReportingPeriod } from '../indicators/index.js';
import type { SearchService } from './search-service.js';

/**
 * The indicators over what the caller may see: its active CarePlans, their CareTeams it may
 * read, and the active Consents it may read. Past `SEARCH_MAX_EXAMINED` stored resources in all:
 * 400 `too-costly`.
 */
export async function measureIndicators(search: SearchService, period: ReportingPeriod, now: Date): Promise<IndicatorResults> {
  const budget = search.budget('CarePlan');
  try {
    const plans = await search.allMatches('CarePlan', 'status=active', budget, now);
    const teamsOf = await search.careTeamsOf(plans, budget);
    const consents = await search.allMatches('Consent', 'status=active', budget, now);
    return computeIndicators({ plans, teamsOf, consents }, period, now);
  } catch (error) {
    if (!(error instanceof FhirError) || !error.issues.some((issue) => issue.code === 'too-costly')) throw error;
    throw badRequest(
      `Computing the indicators would examine more than ${budget.limit} stored resources (the active plans, their care teams and the active consents this organisation may see); ` +
        'the limit is SEARCH_MAX_EXAMINED',
      undefined,
      'too-costly',
    );
  }
}
