/**
 * Conversion between {@link ResourceWrite}/{@link StoredVersion} and DynamoDB items.
 * Resource bodies are stored as JSON text; large ones gzip-compressed so a resource of up to
 * the 1 MiB request limit normally fits DynamoDB's 400 KB item limit.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { FhirResource } from 'fhir/r4.js';
import type { AccessTarget } from '../access/types.js';
import type { ResourceIndex } from '../search/types.js';
import { ItemTooLargeError } from './errors.js';
import { currentKey, custodianSortKey, historySk, versionKey } from './keys.js';
import type { IndexEntries, ResourceWrite, StoredVersion, WriteMethod } from './types.js';

export type Item = Record<string, AttributeValue>;

/** Bodies above this many bytes are compressed. */
const COMPRESS_ABOVE = 32 * 1024;
/** Leaves room for keys and index attributes under the 400 KB item limit. */
const MAX_STORED_BODY = 360 * 1024;

function encodeBody(resource: FhirResource): Item {
  const json = JSON.stringify(resource);
  const bytes = Buffer.byteLength(json);
  if (bytes <= COMPRESS_ABOVE) return { body: { S: json } };
  const compressed = gzipSync(json);
  if (compressed.byteLength > MAX_STORED_BODY) {
    throw new ItemTooLargeError(
      `${resource.resourceType} is too large to store: ${bytes} bytes of JSON compress to ${compressed.byteLength} bytes, limit ${MAX_STORED_BODY}`,
    );
  }
  return { bodyZ: { B: compressed } };
}

function decodeBody(item: Item): FhirResource | undefined {
  if (item.body?.S !== undefined) return JSON.parse(item.body.S) as FhirResource;
  if (item.bodyZ?.B !== undefined) return JSON.parse(gunzipSync(item.bodyZ.B).toString('utf8')) as FhirResource;
  return undefined;
}

function commonAttributes(write: ResourceWrite): Item {
  return {
    resourceType: { S: write.resourceType },
    id: { S: write.id },
    vid: { N: String(write.versionId) },
    lastUpdated: { S: write.lastUpdated },
    method: { S: write.method },
    deleted: { BOOL: write.resource === undefined },
    seq: { N: String(write.seq) },
    ...(write.resource ? encodeBody(write.resource) : {}),
    ...accessAttributes(write.access),
  };
}

const list = (values: readonly string[]): AttributeValue => ({ L: values.map((value) => ({ S: value })) });

/** Who holds the resource and whom it is about: on every current and version item, tombstones too. */
function accessAttributes(access: AccessTarget): Item {
  return {
    ...(access.custodian ? { custodian: { S: access.custodian } } : {}),
    ...(access.clientKeys.length > 0 ? { clientKeys: list(access.clientKeys) } : {}),
    ...(access.namedOrganizations && access.namedOrganizations.length > 0 ? { namedOrgs: list(access.namedOrganizations) } : {}),
  };
}

function decodeAccess(item: Item): AccessTarget {
  const strings = (value: AttributeValue | undefined): string[] => (value?.L ?? []).map((entry) => entry.S ?? '');
  const resourceType = item.resourceType?.S ?? '';
  return {
    resourceType,
    ...(item.id?.S ? { id: item.id.S } : {}),
    ...(item.custodian?.S ? { custodian: item.custodian.S } : {}),
    clientKeys: strings(item.clientKeys),
    ...(resourceType === 'Consent' ? { namedOrganizations: strings(item.namedOrgs) } : {}),
  };
}

/** Index attributes of a live current item: LSI keys and the extracted values. */
function indexAttributes(write: ResourceWrite): Item {
  const index = write.index;
  if (!index || !write.resource) return {};
  return {
    lsiUpdated: { S: write.lastUpdated },
    ...(write.access.custodian ? { lsiCustodian: { S: custodianSortKey(write.access.custodian, write.id) } } : {}),
    sx: { S: JSON.stringify(index.values) },
    ...(index.patientRef ? { lsiPatRef: { S: index.patientRef } } : {}),
    ...(index.patientIdentifier ? { lsiPatIdent: { S: index.patientIdentifier } } : {}),
    ...(index.anchors.length > 0 ? { anchors: list(index.anchors) } : {}),
    ...(index.identifiers.length > 0 ? { identifiers: list(index.identifiers) } : {}),
  };
}

/** The item holding the current version (a deletion keeps a body-less tombstone). */
export function currentItem(write: ResourceWrite): Item {
  return { ...commonAttributes(write), ...currentKey(write.resourceType, write.id), ...indexAttributes(write) };
}

/** The immutable version record, indexed in the change feed by its sequence number. */
export function versionItem(write: ResourceWrite): Item {
  return {
    ...commonAttributes(write),
    ...versionKey(write.resourceType, write.id, write.versionId),
    histPK: { S: write.resourceType },
    histSK: { S: historySk(write.seq) },
  };
}

function decodeIndex(item: Item): IndexEntries | undefined {
  if (item.sx?.S === undefined) return undefined;
  return {
    values: JSON.parse(item.sx.S) as ResourceIndex,
    ...(item.lsiPatRef?.S ? { patientRef: item.lsiPatRef.S } : {}),
    ...(item.lsiPatIdent?.S ? { patientIdentifier: item.lsiPatIdent.S } : {}),
    anchors: (item.anchors?.L ?? []).map((value) => value.S ?? ''),
    identifiers: (item.identifiers?.L ?? []).map((value) => value.S ?? ''),
  };
}

/** Reads a current or version item back. */
export function toStoredVersion(item: Item): StoredVersion {
  const resource = decodeBody(item);
  const index = decodeIndex(item);
  return {
    resourceType: item.resourceType?.S ?? '',
    id: item.id?.S ?? '',
    versionId: Number(item.vid?.N ?? '0'),
    lastUpdated: item.lastUpdated?.S ?? '',
    method: (item.method?.S ?? 'PUT') as WriteMethod,
    deleted: item.deleted?.BOOL === true,
    ...(item.seq?.N !== undefined ? { seq: Number(item.seq.N) } : {}),
    ...(resource ? { resource } : {}),
    ...(index ? { index } : {}),
    access: decodeAccess(item),
  };
}
