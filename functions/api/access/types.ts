/**
 * The vocabulary of access decisions, shared by the API, the future notification fan-out and
 * bulk export: who is asking ({@link Principal}), what they ask to do ({@link AccessAction}),
 * what is known about the target ({@link AccessTarget}) and about the client's consents
 * ({@link ConsentFacts}). Pure data: no DynamoDB, no HTTP.
 *
 * @see docs/access-policy.md
 */

/** A SMART scope operation: create, read (read/vread/history), update (update/patch), delete, search. */
export type ScopeOperation = 'c' | 'r' | 'u' | 'd' | 's';

/** One granted SMART system scope, normalised from v1 or v2 syntax. */
export interface SmartScope {
  /** A resource type, or `*` for all. */
  readonly resourceType: string;
  readonly operations: ReadonlySet<ScopeOperation>;
}

/** The authenticated caller, from a verified access token. */
export interface Principal {
  /** The client system (`client_id` claim by default). */
  readonly clientId: string;
  /** The calling organisation's SOTE organisation OID: the subject of every access decision. */
  readonly organization: string;
  /** The practitioner acting through the system, when the token names one. */
  readonly practitioner?: string;
  /** Purpose of use (v3 ActReason code, e.g. `TREAT`, `ETREAT`), when the token names one. */
  readonly purposeOfUse?: string;
  readonly scopes: readonly SmartScope[];
}

/** What the caller wants to do with a resource. */
export type AccessAction = 'read' | 'create' | 'update' | 'delete';

/**
 * What access decisions need to know about a stored resource (or a version of it, including
 * a deletion): recorded on every current and version item, so a tombstone can be judged too.
 */
export interface AccessTarget {
  readonly resourceType: string;
  /** The resource's logical id: for a Consent, the basis a named organisation reads it on. */
  readonly id?: string;
  /** SOTE OID of the organisation that created the resource; absent = no organisation owns it. */
  readonly custodian?: string;
  /** The client the resource is about: `Patient/<id>` and `<system>|<value>` identifier keys. */
  readonly clientKeys: readonly string[];
  /** Consent only: the organisations (OIDs) any of its provisions names as actor. */
  readonly namedOrganizations?: readonly string[];
}

/** One provision (the root or a nested one) of a Consent, reduced to what decisions need. */
export interface ProvisionFacts {
  readonly type: 'permit' | 'deny';
  /**
   * Organisations (OIDs) named as actors; empty = a deny applies to everyone, while a permit
   * opens access to nobody (a permit must name the organisation).
   */
  readonly organizations: readonly string[];
  /** Inclusive validity instants (UTC ISO); absent = open. */
  readonly start?: string;
  readonly end?: string;
  /**
   * True when `period` could not be read (an unparseable bound, or start after end). Fails
   * closed: such a permit is never in force and such a deny always is. `start`/`end` are then absent.
   */
  readonly invalidPeriod?: boolean;
}

/** A stored Consent reduced to what access decisions need (see `consent-facts.ts`). */
export interface ConsentFacts {
  readonly id: string;
  /** The organisation that recorded the Consent: it opens only that organisation's resources. */
  readonly custodian?: string;
  readonly status: string;
  /** True when `scope` is `consentscope#patient-privacy`. */
  readonly patientPrivacy: boolean;
  readonly clientKeys: readonly string[];
  /** The root provision first, then nested provisions in document order. */
  readonly provisions: readonly ProvisionFacts[];
}

/** Why access was granted: recorded in the audit trail as the legal basis. */
export type AccessBasis =
  | { readonly kind: 'custodian' }
  | { readonly kind: 'consent'; readonly consentId: string }
  | { readonly kind: 'emergency' }
  | { readonly kind: 'creator' };

/** The outcome of one access decision. */
export type AccessDecision =
  | { readonly allowed: true; readonly basis: AccessBasis }
  | {
      readonly allowed: false;
      /** Whether the caller may at least read the target (then a refusal may say 403; else 404). */
      readonly readable: boolean;
      readonly reason: string;
    };
