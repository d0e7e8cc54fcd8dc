/**
 * The custodian: the organisation that created a resource, recorded by the server and shown to
 * clients as a `meta` extension. Only the server may set it, so whatever a client sends in that
 * extension is stripped or overwritten.
 *
 * @see https://hl7.org/fhir/R4/resource.html#Meta
 * @see https://hl7.org/fhir/R4/extensibility.html
 */
import { asArray, asRecord } from './json.js';
import { isOid, SOTE_ORGANIZATION_SYSTEM } from './organizations.js';

/** The `meta.extension` URL that carries the custodian organisation. */
export const CUSTODIAN_EXTENSION_URL = 'https://shared-care-plan.fi/fhir/StructureDefinition/custodian';

const isCustodianExtension = (extension: unknown): boolean => asRecord(extension)?.url === CUSTODIAN_EXTENSION_URL;

/**
 * The custodian OID recorded in `meta.extension`, or undefined when there is none, when its
 * `valueIdentifier` is not a SOTE organisation OID, or when several custodian extensions
 * disagree (a resource has one custodian or, failing closed, none).
 */
export function custodianOf(resource: unknown): string | undefined {
  const extensions = asArray(asRecord(asRecord(resource)?.meta)?.extension).filter(isCustodianExtension);
  const values = new Set(
    extensions.map((extension) => {
      const identifier = asRecord(asRecord(extension)?.valueIdentifier);
      return identifier?.system === SOTE_ORGANIZATION_SYSTEM && isOid(identifier.value) ? identifier.value : undefined;
    }),
  );
  const [only] = values;
  return values.size === 1 ? only : undefined;
}

/**
 * A copy of `resource` whose `meta.extension` carries exactly one custodian extension naming
 * `oid`: it takes the place of the first custodian extension already there (else it is
 * appended), other custodian extensions are dropped and all other extensions keep their order.
 * Idempotent; never mutates `resource`.
 *
 * @throws Error when `oid` is not an OID (a programming error: the server supplies it).
 */
export function withCustodian<T extends object>(resource: T, oid: string): T {
  if (!isOid(oid)) throw new Error(`custodian must be an OID, got '${oid}'`);
  const custodian = { url: CUSTODIAN_EXTENSION_URL, valueIdentifier: { system: SOTE_ORGANIZATION_SYSTEM, value: oid } };
  const meta = asRecord((resource as Record<string, unknown>).meta) ?? {};
  const existing = asArray(meta.extension);
  const first = existing.findIndex(isCustodianExtension);
  const extension =
    first === -1
      ? [...existing, custodian]
      : existing.flatMap((entry, index) => (index === first ? [custodian] : isCustodianExtension(entry) ? [] : [entry]));
  return { ...resource, meta: { ...meta, extension } };
}

/**
 * A copy of `resource` without any custodian extension (for example one a client supplied),
 * dropping `meta.extension` and then `meta` when they become empty. Returns `resource` itself
 * when it carries no custodian extension; never mutates it.
 */
export function withoutCustodian<T extends object>(resource: T): T {
  const meta = asRecord((resource as Record<string, unknown>).meta);
  const existing = asArray(meta?.extension);
  if (meta === undefined || !existing.some(isCustodianExtension)) return resource;
  const kept = existing.filter((entry) => !isCustodianExtension(entry));
  const newMeta: Record<string, unknown> = { ...meta, extension: kept };
  if (kept.length === 0) delete newMeta.extension;
  const copy: Record<string, unknown> = { ...resource, meta: newMeta };
  if (Object.keys(newMeta).length === 0) delete copy.meta;
  return copy as T;
}
