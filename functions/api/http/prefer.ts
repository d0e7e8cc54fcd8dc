/**
 * The `Prefer` header: what a successful write returns, and lenient search handling.
 *
 * @see https://hl7.org/fhir/R4/http.html#ops
 */

export type PreferReturn = 'minimal' | 'representation' | 'OperationOutcome';

/** Reads `return=` from a Prefer header; the default is the full representation. */
export function preferReturn(header: string | undefined): PreferReturn {
  const match = /(?:^|[;,\s])return\s*=\s*"?(minimal|representation|OperationOutcome)"?/i.exec(header ?? '');
  const value = match?.[1]?.toLowerCase();
  if (value === 'minimal') return 'minimal';
  if (value === 'operationoutcome') return 'OperationOutcome';
  return 'representation';
}

/** True for `Prefer: handling=lenient` (unknown search parameters are ignored, not rejected). */
export function preferLenient(header: string | undefined): boolean {
  return /(?:^|[;,\s])handling\s*=\s*"?lenient"?/i.test(header ?? '');
}
