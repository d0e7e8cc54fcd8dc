/**
 * The contract between the HTTP adapter and the FHIR interactions: a plain request in, a
 * plain response out. Interactions do not see Hono, so bundles can dispatch to them too.
 */
import type { CapabilityStatementRestResource, CapabilityStatementRestResourceSearchParam } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../schemas/index.js';
import type { ApiConfig } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import type { RequestContext } from '../context/request-context.js';
import type { FeedReader } from '../repository/feed-reader.js';
import type { AuditLog } from '../services/audit-log.js';
import type { ResourceService } from '../services/resource-service.js';
import type { SearchService } from '../services/search-service.js';

/** An HTTP method the FHIR REST API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A parsed FHIR request. */
export interface FhirRequest {
  readonly method: HttpMethod;
  readonly resourceType?: SupportedResourceType;
  readonly id?: string;
  readonly versionId?: number;
  readonly query: URLSearchParams;
  /** Request header by (case-insensitive) name. */
  header(name: string): string | undefined;
  /** The parsed JSON body, for interactions that take one. */
  readonly body?: unknown;
  /** Absolute base URL of the FHIR endpoint, e.g. `https://host/fhir`. */
  readonly baseUrl: string;
  readonly requestId: string;
}

/** What an interaction answers; the adapter renders it as FHIR JSON. */
export interface FhirResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Services and settings available to every interaction, bound to the request's caller. */
export interface InteractionContext {
  readonly resources: ResourceService;
  readonly search: SearchService;
  readonly feed: FeedReader;
  /** The clients' access logs (AuditEvent search). */
  readonly auditLog: AuditLog;
  readonly config: ApiConfig;
  readonly log: Logger;
  /** The caller, the access decision made for them, and the audit trail of the request. */
  readonly caller: RequestContext;
}

/** One FHIR interaction. */
export type Interaction = (request: FhirRequest, context: InteractionContext) => Promise<FhirResponse>;

/** FHIR CapabilityStatement interaction codes. */
export type TypeInteractionCode = 'read' | 'vread' | 'update' | 'patch' | 'delete' | 'history-instance' | 'history-type' | 'create' | 'search-type';
export type SystemInteractionCode = 'transaction' | 'batch' | 'search-system' | 'history-system' | 'capabilities';

/** A route of the FHIR router; the CapabilityStatement is generated from the same table. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Hono path pattern below the base path, e.g. `/:type/:id`. */
  readonly path: string;
  /** `operation`: a named operation (`CarePlan/$indicators`), described by {@link RouteDefinition.operation}. */
  readonly interaction: TypeInteractionCode | SystemInteractionCode | 'operation';
  /**
   * A type-level operation: the type whose CapabilityStatement entry lists it, its name (without
   * `$`) and its OperationDefinition's canonical URL. Its handler checks the scopes it needs.
   */
  readonly operation?: { readonly type: SupportedResourceType; readonly name: string; readonly definition: string };
  /** Further interactions the same route serves (`POST [base]`: transaction and batch). */
  readonly also?: readonly SystemInteractionCode[];
  /**
   * The resource type a fixed path serves (`/AuditEvent`), where `:type` routes take it from the
   * URL: the SMART scope is checked on it, and the CapabilityStatement describes it on its own.
   */
  readonly resourceType?: CapabilityStatementRestResource['type'];
  /** The search parameters a fixed-type search route supports, as the CapabilityStatement lists them. */
  readonly searchParams?: readonly CapabilityStatementRestResourceSearchParam[];
  /**
   * Any valid token may use the route, whatever its SMART scopes: the conformance resources
   * (StructureDefinition, CodeSystem, ValueSet) are public definitions about no client.
   */
  readonly anyScope?: true;
  /** What the body is, if the interaction takes one. */
  readonly body?: 'resource' | 'json-patch' | 'form';
  readonly handler: Interaction;
}
