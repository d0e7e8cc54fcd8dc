/**
 * Text folding shared by string and `:text` search.
 *
 * @see https://hl7.org/fhir/R4/search.html#string
 */

/** Lower-cased and stripped of accents (`Ä` → `a`), for case- and accent-insensitive comparison. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
