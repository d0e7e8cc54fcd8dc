/**
 * Finnish personal identity code (henkilötunnus, HETU) helpers for synthetic test identities.
 *
 * Format `DDMMYYCZZZQ`: birth date, century sign, individual number, check character
 * `"0123456789ABCDEFHJKLMNPRSTUVWXY"[int(DDMMYY + ZZZ) % 31]`. Test data uses only the
 * individual numbers 900–999 (temporary and test identities), never the real-person range.
 */

/** FHIR identifier system of the HETU (HL7 Finland Base Profiles). */
export const HETU_SYSTEM = 'urn:oid:1.2.246.21';

const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const CENTURY_BY_SIGN: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900,
  A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000,
};
const HETU_PATTERN = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/;

/** The check character for the nine digits `DDMMYY` + `ZZZ`. */
export function hetuCheckCharacter(digits: string): string {
  return CHECK_CHARACTERS[Number(digits) % 31]!;
}

/**
 * Builds a HETU. `individualNumber` must be in the test range 900–999.
 * @param sign the century sign, e.g. `-` or `Y` for the 1900s, `A` or `B` for the 2000s
 */
export function makeHetu(birthDate: { year: number; month: number; day: number }, sign: string, individualNumber: number): string {
  if (individualNumber < 900 || individualNumber > 999) throw new Error(`not a test individual number: ${individualNumber}`);
  if (CENTURY_BY_SIGN[sign] !== Math.floor(birthDate.year / 100) * 100) throw new Error(`century sign ${sign} does not fit ${birthDate.year}`);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${pad(birthDate.day)}${pad(birthDate.month)}${pad(birthDate.year % 100)}`;
  const zzz = String(individualNumber);
  return `${date}${sign}${zzz}${hetuCheckCharacter(date + zzz)}`;
}

/** What {@link parseHetu} found: whether the code is valid and its individual number. */
export interface HetuCheck {
  valid: boolean;
  individualNumber?: number;
}

/** Checks format, birth date, century sign and check character. */
export function parseHetu(hetu: string): HetuCheck {
  const match = HETU_PATTERN.exec(hetu);
  if (!match) return { valid: false };
  const [, dd, mm, yy, sign, zzz, check] = match as unknown as [string, string, string, string, string, string, string];
  const century = CENTURY_BY_SIGN[sign];
  if (century === undefined) return { valid: false };
  const year = century + Number(yy);
  const date = new Date(Date.UTC(year, Number(mm) - 1, Number(dd)));
  const dateValid = date.getUTCFullYear() === year && date.getUTCMonth() === Number(mm) - 1 && date.getUTCDate() === Number(dd);
  const valid = dateValid && hetuCheckCharacter(dd + mm + yy + zzz) === check;
  return { valid, individualNumber: Number(zzz) };
}
