/**
 * The client's access log ("who saw my data and why"): pages of the AuditEvents filed under one
 * client, within the retention period, newest first unless asked otherwise. Who may search it is
 * decided by the SMART scope alone (see docs/access-policy.md, "The access log").
 *
 * @see https://hl7.org/fhir/R4/auditevent.html
 */
import { auditFilter, type AuditSearch } from '../audit/index.js';
import type { AuditPage, AuditPosition, AuditReader } from '../repository/audit-reader.js';

const DAY_MS = 86_400_000;
/** Records are never stamped later than this past the server's clock (clock skew between instances). */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Bounds on the work of one request: a page that reaches them ends early, with a `next` link. */
export const MAX_EXAMINED_PER_PAGE = 1_000;
/** Enough for every year partition of the default retention (12 years) in one request. */
const MAX_QUERIES = 16;

export class AuditLog {
  constructor(
    private readonly reader: Pick<AuditReader, 'page'>,
    private readonly retentionDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One page of `search`, continuing at `from` (a previous page's `next`). */
  async search(search: AuditSearch, from?: AuditPosition): Promise<AuditPage> {
    if (search.count === 0) return { events: [] };
    const now = this.now().getTime();
    // Records older than the retention period may linger until TTL removes them: never shown.
    const retained = new Date(now - this.retentionDays * DAY_MS).toISOString();
    const latest = new Date(now + CLOCK_SKEW_MS).toISOString();
    const low = search.low !== undefined && search.low > retained ? search.low : retained;
    const high = search.high !== undefined && search.high < latest ? search.high : latest;
    const accept = auditFilter(search);
    return this.reader.page({
      clientKey: search.clientKey,
      low,
      high,
      newestFirst: search.newestFirst,
      count: search.count,
      ...(accept ? { accept } : {}),
      ...(from ? { from } : {}),
      maxExamined: MAX_EXAMINED_PER_PAGE,
      maxQueries: MAX_QUERIES,
    });
  }
}
