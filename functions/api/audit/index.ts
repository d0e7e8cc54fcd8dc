export { AuditTrail, type AuditRequest } from './audit-trail.js';
export { buildAuditEvent, CLIENT_ID_SYSTEM, LEGAL_BASIS_EXTENSION_URL, REQUEST_ID_SYSTEM, type AuditFacts } from './audit-event.js';
