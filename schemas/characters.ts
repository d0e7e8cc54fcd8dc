/**
 * The characters a FHIR string value may hold, whatever its primitive type: any Unicode character
 * XML allows except the control characters other than tab, line feed and carriage return.
 *
 * - XML 1.0 `Char` excludes U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, the surrogates and
 *   U+FFFE/U+FFFF: a value holding them cannot be written in FHIR's XML format at all. An unpaired
 *   surrogate reaches the API only as a JSON escape (`"\ud800"`); it is half of a UTF-16 pair,
 *   not a character.
 * - FHIR strings SHOULD NOT contain code points below 32 other than tab, carriage return and line
 *   feed. This API makes that a rule and reads "control characters" as Unicode does (general
 *   category Cc), so DEL and the C1 controls U+007F–U+009F are refused too: XML 1.0 admits but
 *   discourages them, XML 1.1 allows them only as character references, and in text they are a
 *   sign of mis-decoded Windows-1252.
 *
 * Everything else passes: letters of any script, combining marks, the no-break spaces U+00A0 and
 * U+202F, U+3000, zero-width joiners, emoji, private-use and unassigned code points.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#string
 * @see https://www.w3.org/TR/xml/#charsets
 * @see https://www.w3.org/TR/xml11/#charsets
 */

/**
 * The first code point not allowed. With the `u` flag a surrogate pair is one code point above
 * U+FFFF, so `\uD800-\uDFFF` finds only unpaired halves.
 */
const NOT_ALLOWED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/u;

const codeName = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** Characters (code points) in `text`; a lone surrogate counts as one. */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
  return count;
}

/**
 * What is wrong with the characters of `value`, naming the first offending one and its position
 * (counted in characters from 1), e.g. `contains the control character U+0001 at position 5`;
 * undefined when all are allowed.
 */
export function characterProblem(value: string): string | undefined {
  const found = NOT_ALLOWED.exec(value);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0);
  const at = `at position ${characterCount(value.slice(0, found.index)) + 1}`;
  if (code >= 0xd800 && code <= 0xdfff) {
    const half = code < 0xdc00 ? 'high' : 'low';
    return `contains a lone ${half} surrogate ${codeName(code)} ${at} (half of a UTF-16 surrogate pair, not a character)`;
  }
  if (code >= 0xfffe) return `contains ${codeName(code)} ${at}, which is not a character XML allows`;
  return `contains the control character ${codeName(code)} ${at} (of the control characters only tab, line feed and carriage return are allowed)`;
}

/** The character problems of every string in a JSON value (object keys aside), with their paths. */
export function characterProblems(value: unknown, path: readonly (string | number)[] = []): { path: (string | number)[]; problem: string }[] {
  if (typeof value === 'string') {
    const problem = characterProblem(value);
    return problem === undefined ? [] : [{ path: [...path], problem }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => characterProblems(item, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => characterProblems(item, [...path, key]));
  }
  return [];
}
