export { AuditTrail, type AuditRequest } from './audit-trail.js';
export { buildAuditEvent, CLIENT_ID_SYSTEM, LEGAL_BASIS_EXTENSION_URL, REQUEST_ID_SYSTEM, type AuditFacts } from './audit-event.js';
export { AUDIT_EVENT_SEARCH_PARAMETERS, parseAuditSearch, type AuditSearch, type ReferenceCriterion } from './search-request.js';
export { auditFilter, referenceMatches } from './search-match.js';
