/**
 * Conversion between {@link ResourceWrite}/{@link StoredVersion} and DynamoDB items.
 * Resource bodies are stored as JSON text; large ones gzip-compressed so a resource of up to
 * the 1 MiB request limit normally fits DynamoDB's 400 KB item limit.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { FhirResource } from 'fhir/r4.js';
import { ItemTooLargeError } from './errors.js';
import { currentKey, historySk, versionPk, versionSk } from './keys.js';
import type { ResourceWrite, StoredVersion, WriteMethod } from './types.js';

type Item = Record<string, AttributeValue>;

/** Bodies above this many bytes are compressed. */
const COMPRESS_ABOVE = 32 * 1024;
/** Leaves room for keys and index attributes under the 400 KB item limit. */
const MAX_STORED_BODY = 380 * 1024;

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
    ...(write.resource ? encodeBody(write.resource) : {}),
  };
}

/** The item holding the current version (a deletion keeps a body-less tombstone). */
export function currentItem(write: ResourceWrite, indexAttributes: Item): Item {
  return {
    ...commonAttributes(write),
    ...currentKey(write.resourceType, write.id),
    ...(write.resource ? indexAttributes : {}),
  };
}

/** The immutable version record, indexed in the change feed. */
export function versionItem(write: ResourceWrite): Item {
  return {
    ...commonAttributes(write),
    PK: { S: versionPk(write.resourceType, write.id) },
    SK: { S: versionSk(write.versionId) },
    histPK: { S: write.resourceType },
    histSK: { S: historySk(write.lastUpdated, write.id, write.versionId) },
  };
}

/** Reads a current or version item back. */
export function toStoredVersion(item: Item): StoredVersion {
  const resource = decodeBody(item);
  return {
    resourceType: item.resourceType?.S ?? '',
    id: item.id?.S ?? '',
    versionId: Number(item.vid?.N ?? '0'),
    lastUpdated: item.lastUpdated?.S ?? '',
    method: (item.method?.S ?? 'PUT') as WriteMethod,
    deleted: item.deleted?.BOOL === true,
    ...(resource ? { resource } : {}),
  };
}
