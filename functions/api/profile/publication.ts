/**
 * What every conformance resource of this API says about its publication: version, status,
 * date, publisher and jurisdiction (Finland).
 */
import type { CodeableConcept } from 'fhir/r4.js';

/** Version of the profile, its CodeSystems and ValueSets (a versioned canonical is `url|version`). */
export const PROFILE_VERSION = '0.1.0';

/** Publication metadata shared by the StructureDefinitions, CodeSystems and ValueSets. */
export const CONFORMANCE_COMMON: {
  readonly version: string;
  readonly status: 'active';
  readonly experimental: false;
  readonly date: string;
  readonly publisher: string;
  readonly jurisdiction: CodeableConcept[];
} = {
  version: PROFILE_VERSION,
  status: 'active',
  experimental: false,
  date: '2026-12-02',
  publisher: 'Shared Care Plan API',
  jurisdiction: [{ coding: [{ system: 'urn:iso:std:iso:3166', code: 'FI', display: 'Finland' }] }],
};
