/**
 * Token, reference and uri matching of FHIR R4 search (https://hl7.org/fhir/R4/search.html),
 * one search value against the values a parameter selected from one resource.
 */
import type { Identifier, Reference } from 'fhir/r4.js';
import type { TypedValue } from './official-parameters.js';

/** A token found in a resource: a code (or identifier value) and its system, if any. */
export interface Token {
  system?: string;
  code: string;
}

/** Splits at each `separator` not escaped by a backslash; the parts keep their escapes. */
export function splitEscaped(value: string, separator: ',' | '|'): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) current += ch + value[++i]!;
    else if (ch === separator) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Removes the search escapes (a backslash before `,` `|` `$` or a backslash). */
export function unescape(value: string): string {
  return value.replace(/\\([,|$\\])/g, '$1');
}

/** Tokens of a selected value: Coding, CodeableConcept (its codings), Identifier, primitives. */
export function tokensOf(value: TypedValue): Token[] {
  const data = value.data as Record<string, unknown>;
  const token = (system: unknown, code: unknown): Token[] =>
    typeof code === 'string' ? [system === undefined ? { code } : { system: String(system), code }] : [];
  switch (value.type) {
    case 'Coding':
      return token(data.system, data.code);
    case 'CodeableConcept':
      return ((data.coding ?? []) as Record<string, unknown>[]).flatMap((c) => token(c.system, c.code));
    case 'Identifier':
      return token(data.system, data.value);
    case 'ContactPoint':
      return token(undefined, data.value);
    default:
      return typeof value.data === 'string' || typeof value.data === 'boolean' ? [{ code: String(value.data) }] : [];
  }
}

/**
 * One token search value against one token: `code` (any system), `system|code`,
 * `|code` (no system), `system|` (any code in the system).
 */
export function tokenMatches(search: string, token: Token): boolean {
  const parts = splitEscaped(search, '|').map(unescape);
  if (parts.length === 1) return token.code === parts[0];
  if (parts.length !== 2) throw new Error(`token search value with more than one '|': ${search}`);
  const [system, code] = parts as [string, string];
  if (code === '') return token.system === system;
  if (system === '') return token.system === undefined && token.code === code;
  return token.system === system && token.code === code;
}

/** Strips `/_history/n` from a literal reference. */
function literal(reference: string): string {
  return reference.replace(/\/_history\/[^/]+$/, '');
}

/**
 * One reference search value against one selected value:
 * - `Type/id` matches a Reference whose `reference` is `Type/id`;
 * - an absolute URL matches a Reference whose `reference` is that URL;
 * - a bare `id` matches a Reference to any type whose id is `id`;
 * - canonical/uri values (e.g. instantiates-canonical) match by string equality.
 * Identifier-only references never match here (only via `:identifier`).
 */
export function referenceMatches(search: string, value: TypedValue): boolean {
  if (value.type !== 'Reference') return typeof value.data === 'string' && value.data === search;
  const ref = value.data as Reference;
  if (ref.reference === undefined) return false;
  const target = literal(ref.reference);
  if (search.includes('/')) return target === search;
  return /^(?:.*\/)?[A-Z][A-Za-z]+\/([^/]+)$/.exec(target)?.[1] === search;
}

/** `:identifier`: a token search on `Reference.identifier`. */
export function referenceIdentifierMatches(search: string, value: TypedValue): boolean {
  if (value.type !== 'Reference') return false;
  const identifier: Identifier | undefined = (value.data as Reference).identifier;
  return identifier !== undefined && tokensOf({ type: 'Identifier', data: identifier }).some((t) => tokenMatches(search, t));
}

/** uri: exact string equality (`:below` / `:above` are not implemented). */
export function uriMatches(search: string, value: TypedValue): boolean {
  return typeof value.data === 'string' && value.data === search;
}
