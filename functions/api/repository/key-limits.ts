/**
 * How long a value that becomes part of a DynamoDB key may be. DynamoDB caps partition keys at
 * 2 048 bytes and sort keys — local secondary index keys included — at 1 024 bytes, measured in
 * UTF-8. Identifiers (system + value) and references become `UQ#…`, `IX#…`, `CLIENT#…` and
 * `AU#…` partition keys and the `lsiPatIdent` / `lsiPatRef` index keys, so each is held to
 * {@link KEY_VALUE_MAX_BYTES}, which leaves room for every prefix. Past it a write is refused
 * (422) and a search (400) before anything is sent to DynamoDB.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
 */

/** At most this many UTF-8 bytes: an identifier's system and value together, or a reference. */
export const KEY_VALUE_MAX_BYTES = 900;

/** UTF-8 length of the parts together (a Finnish `ä` counts 2, an emoji 4). */
export function utf8Bytes(...parts: readonly (string | undefined)[]): number {
  return parts.reduce((sum, part) => sum + (part ? Buffer.byteLength(part, 'utf8') : 0), 0);
}
