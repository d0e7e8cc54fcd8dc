/**
 * Conversion between {@link ResourceWrite}/{@link StoredVersion} and DynamoDB items.
 * Resource bodies are stored as JSON text; large ones gzip-compressed so a resource of up to
 * the 1 MiB request limit normally fits DynamoDB's 400 KB item limit.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { FhirResource } from 'fhir/r4.js';
import { parseJson, stringifyJson } from '../../shared/fhir-json.js';
import type { AccessTarget } from '../access/types.js';
import type { ResourceIndex } from '../search/types.js';
import { ItemTooLargeError } from './errors.js';
import { currentKey, custodianSortKey, historySk, laneName, versionKey } from './keys.js';
import type { IndexEntries, ResourceWrite, StoredVersion, WriteMethod } from './types.js';

export type Item = Record<string, AttributeValue>;

/** Bodies above this many bytes are compressed. */
const COMPRESS_ABOVE = 32 * 1024;
/** Leaves room for keys and index attributes under the 400 KB item limit. */
const MAX_STORED_BODY = 360 * 1024;

/** The resource as JSON text, decimals as they were sent (R4 keeps their precision). */
function encodeBody(resource: FhirResource): Item {
  const json = stringifyJson(resource);
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

/** The stored resource, each decimal with the precision it was written with. */
function decodeBody(item: Item): FhirResource | undefined {
  if (item.body?.S !== undefined) return parseJson(item.body.S) as FhirResource;
  if (item.bodyZ?.B !== undefined) return parseJson(gunzipSync(item.bodyZ.B).toString('utf8')) as FhirResource;
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

/**
 * Index values above this many bytes are compressed: the current item is projected whole into
 * each local secondary index it is in, so every byte of it counts several times against
 * DynamoDB's 400 KB item limit (a CarePlan's activity texts alone can reach hundreds of KB).
 */
const COMPRESS_INDEX_ABOVE = 4 * 1024;

/** The extracted search values: JSON text in `sx`, or gzip-compressed in `sxZ` when large. */
function encodeIndexValues(values: ResourceIndex): Item {
  const json = JSON.stringify(values);
  return Buffer.byteLength(json) <= COMPRESS_INDEX_ABOVE ? { sx: { S: json } } : { sxZ: { B: gzipSync(json) } };
}

function decodeIndexValues(item: Item): ResourceIndex | undefined {
  if (item.sx?.S !== undefined) return JSON.parse(item.sx.S) as ResourceIndex;
  if (item.sxZ?.B !== undefined) return JSON.parse(gunzipSync(item.sxZ.B).toString('utf8')) as ResourceIndex;
  return undefined;
}

/** Index attributes of a live current item: LSI keys and the extracted values. */
function indexAttributes(write: ResourceWrite): Item {
  const index = write.index;
  if (!index || !write.resource) return {};
  return {
    lsiUpdated: { S: write.lastUpdated },
    ...(write.access.custodian ? { lsiCustodian: { S: custodianSortKey(write.access.custodian, write.id) } } : {}),
    ...encodeIndexValues(index.values),
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

/** The immutable version record, indexed in the change feed by its lane and sequence number. */
export function versionItem(write: ResourceWrite): Item {
  return {
    ...commonAttributes(write),
    ...versionKey(write.resourceType, write.id, write.versionId),
    histPK: { S: laneName(write.resourceType, write.lane) },
    histSK: { S: historySk(write.seq) },
  };
}

function decodeIndex(item: Item): IndexEntries | undefined {
  const values = decodeIndexValues(item);
  if (!values) return undefined;
  return {
    values,
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
    ...laneOf(item),
    ...(resource ? { resource } : {}),
    ...(index ? { index } : {}),
    access: decodeAccess(item),
  };
}

/** The lane of a version record, from its history partition `<Type>#<lane>`. */
function laneOf(item: Item): { lane?: number } {
  const partition = item.histPK?.S;
  const hash = partition?.lastIndexOf('#') ?? -1;
  return partition && hash >= 0 ? { lane: Number(partition.slice(hash + 1)) } : {};
}
