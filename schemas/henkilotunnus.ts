/**
 * The Finnish personal identity code (henkilötunnus, HETU), `DDMMYYCZZZQ`: birth date, century
 * sign, individual number and check character.
 *
 * Century signs include those of the 2023 reform (`Y X W V U` for the 1900s, `B C D E F` for the
 * 2000s). Individual numbers are 002–899 (persons) and 900–999 (temporary and test identities);
 * 000 and 001 belong to neither range and are never issued.
 *
 * @see https://dvv.fi/en/personal-identity-code
 * @see https://hl7.fi/fhir/finnish-base-profiles (Patient `identifier[PIC]`, system `urn:oid:1.2.246.21`)
 */

/** The check characters, indexed by `int(DDMMYY + ZZZ) % 31`. */
const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

const CENTURY_BY_SIGN: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900,
  A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000,
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * What is wrong with a henkilötunnus, or `undefined` when it is valid. Letters must be upper case.
 *
 * @example checkHenkilotunnus('010190-999Y') // 'check character should be W'
 */
export function checkHenkilotunnus(value: string): string | undefined {
  if (value.length !== 11) return `must be 11 characters (DDMMYYCZZZQ), not ${value.length}`;
  const [dd, mm, yy, sign, zzz, check] = [value.slice(0, 2), value.slice(2, 4), value.slice(4, 6), value.slice(6, 7), value.slice(7, 10), value.slice(10)];
  if (!/^\d{6}$/.test(dd + mm + yy)) return `the birth date '${dd + mm + yy}' must be six digits (DDMMYY)`;
  const century = CENTURY_BY_SIGN[sign];
  if (century === undefined) return `century sign '${sign}' is not one of ${Object.keys(CENTURY_BY_SIGN).join(' ')}`;
  if (!/^\d{3}$/.test(zzz)) return `the individual number '${zzz}' must be three digits`;
  const [day, month, year] = [Number(dd), Number(mm), century + Number(yy)];
  if (month < 1 || month > 12) return `month ${mm} does not exist (DDMMYY '${dd + mm + yy}')`;
  if (day < 1 || day > daysInMonth(year, month)) return `${day} ${MONTHS[month - 1]} ${year} is not a date`;
  if (Number(zzz) < 2) return `individual number ${zzz} is not issued (002–899 for persons, 900–999 for temporary identities)`;
  const expected = CHECK_CHARACTERS[Number(dd + mm + yy + zzz) % 31];
  return check === expected ? undefined : `check character should be ${expected}, not '${check}'`;
}
