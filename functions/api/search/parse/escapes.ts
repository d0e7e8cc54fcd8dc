/**
 * Search value escaping: `\,` `\|` `\$` and `\\` stand for the literal characters, so a value is
 * split on unescaped separators first and unescaped last.
 *
 * A backslash before any other character, or at the end, is kept literally: rejecting it would
 * turn harmless text (a Windows path in a string search) into a 400.
 *
 * @see https://hl7.org/fhir/R4/search.html#escaping
 */

/** Splits `raw` on every `separator` that is not preceded by a backslash; escapes stay in the parts. */
export function splitUnescaped(raw: string, separator: ',' | '|'): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (char === '\\' && i + 1 < raw.length) {
      current += char + raw[i + 1];
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** Replaces `\,` `\|` `\$` `\\` by the characters they stand for. */
export function unescape(raw: string): string {
  return raw.replace(/\\([,|$\\])/g, '$1');
}
