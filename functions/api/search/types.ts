/**
 * The search contract shared by the parser (`parse/`), the index extractor and matcher
 * (`index-values/`), and the executor (`execute/`). Pure data: no DynamoDB, no HTTP.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { SupportedResourceType } from '../../../schemas/index.js';

/** Search parameter types used by the four resources (R4 SearchParameter.type). */
export type SearchParamType = 'token' | 'reference' | 'date' | 'string' | 'uri' | 'number' | 'quantity';

/** One search parameter as defined by the official R4 SearchParameter bundle. */
export interface SearchParamDefinition {
  /** The code used in URLs, e.g. `care-team`, `_lastUpdated`. */
  readonly code: string;
  readonly type: SearchParamType;
  /** The R4 FHIRPath expression restricted to this resource type, e.g. `CarePlan.careTeam`. */
  readonly expression: string;
  /** Allowed target types for reference parameters. */
  readonly targets?: readonly string[];
  /** `CarePlan.subject.where(resolve() is Patient)`: only references to this type count. */
  readonly targetRestriction?: string;
  /**
   * A parameter about the plan's CareTeam (`CarePlan.careTeam`) rather than the plan itself,
   * resolved at query time (`search/execute/care-teams.ts`): any `member` of the team, or its
   * active `coordinator`. It has no stored index values and cannot be included.
   */
  readonly throughCareTeam?: 'member' | 'coordinator';
}

// ---------------------------------------------------------------------------------------
// Index values: what the extractor stores for each parameter of a resource (JSON-friendly).
// ---------------------------------------------------------------------------------------

/** A token: Coding/CodeableConcept/Identifier/code/boolean/id. `system` absent = no system. */
export interface TokenValue {
  readonly system?: string;
  readonly code?: string;
  /** Lower-cased display/text, for the `:text` modifier. */
  readonly text?: string;
}

/** A reference, in every form it can be matched by. */
export interface ReferenceValue {
  /** Target type of a relative or absolute literal reference, or `Reference.type`. */
  readonly type?: string;
  readonly id?: string;
  /** The literal reference as written when it is absolute or canonical (e.g. `https://…/Patient/1`). */
  readonly url?: string;
  readonly identifier?: { readonly system?: string; readonly value?: string };
}

/** A date/dateTime/instant/Period/Timing as the closed range of instants it covers (UTC ISO, ms). */
export interface DateValue {
  /** Inclusive start; absent = open (Period without start). */
  readonly low?: string;
  /** Inclusive end; absent = open (Period without end, ongoing). */
  readonly high?: string;
}

/** The extracted values of one resource: parameter code → values (absent/empty = missing). */
export interface ResourceIndex {
  readonly [code: string]:
    | readonly TokenValue[]
    | readonly ReferenceValue[]
    | readonly DateValue[]
    | readonly string[]
    | readonly number[]
    | undefined;
}

// ---------------------------------------------------------------------------------------
// Parsed requests: what the parser produces from a query string.
// ---------------------------------------------------------------------------------------

/** Date comparison prefixes. */
export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** One value of a criterion (the alternatives of a comma-separated list are ORed). */
export type CriterionValue =
  /** `system|code`, `|code` (system = ''), `system|` (code absent), `code` (system absent). */
  | { readonly kind: 'token'; readonly system?: string; readonly code?: string; readonly text?: string }
  /** `Type/id`, `id`, absolute URL, or (with `:identifier`) `system|value`. */
  | { readonly kind: 'reference'; readonly type?: string; readonly id?: string; readonly url?: string; readonly identifier?: { readonly system?: string; readonly value?: string } }
  /** A date with its precision expanded to the instants it covers. */
  | { readonly kind: 'date'; readonly prefix: DatePrefix; readonly low: string; readonly high: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'missing'; readonly missing: boolean };

/** Modifiers this server understands. */
export type SearchModifier = 'missing' | 'not' | 'exact' | 'contains' | 'text' | 'identifier' | 'below' | 'above';

/** One `name[:modifier]=v1,v2` parameter occurrence: values ORed; criteria of a request ANDed. */
export interface Criterion {
  readonly param: SearchParamDefinition;
  readonly modifier?: SearchModifier;
  /** `name:Type=…` on a reference parameter narrows the target type. */
  readonly targetType?: string;
  readonly values: readonly CriterionValue[];
}

/** `_sort` entry. */
export interface SortSpec {
  readonly param: SearchParamDefinition;
  readonly descending: boolean;
}

/** `_include=Source:param[:Target]` / `_revinclude=Source:param[:Target]`. */
export interface IncludeSpec {
  readonly sourceType: SupportedResourceType;
  readonly param: SearchParamDefinition;
  readonly targetType?: string;
  readonly iterate: boolean;
}

/** A parsed search request. */
export interface SearchRequest {
  readonly resourceType: SupportedResourceType;
  readonly criteria: readonly Criterion[];
  readonly count: number;
  readonly sort: readonly SortSpec[];
  readonly include: readonly IncludeSpec[];
  readonly revinclude: readonly IncludeSpec[];
  readonly summary?: 'true' | 'false' | 'count' | 'data' | 'text';
  readonly elements?: readonly string[];
  readonly total: 'none' | 'estimate' | 'accurate';
  /** Opaque cursor from a `next` link. */
  readonly cursor?: string;
  /** Parameters ignored under `Prefer: handling=lenient`, reported in an outcome entry. */
  readonly ignored: readonly { readonly name: string; readonly reason: string }[];
}
