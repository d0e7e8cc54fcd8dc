/**
 * Synthetic Finnish personal identity codes (henkilötunnus) for load data: individual numbers
 * 900–999 only (the test range the fixtures use too), with a correct check character.
 *
 * @see https://dvv.fi/en/personal-identity-code
 */

const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const DAY_MS = 86_400_000;
const FIRST_BIRTH_DATE = Date.UTC(1930, 0, 1);
/** Birth dates cycle through 80 years; 61 is prime to it, so 29 200 clients get distinct dates. */
const DATE_SPAN_DAYS = 80 * 365;

/** The check character of `DDMMYY` + individual number `ZZZ`. */
export function hetuCheckCharacter(birthDate: string, individual: string): string {
  return CHECK_CHARACTERS[Number(`${birthDate}${individual}`) % 31]!;
}

/** The `index`-th synthetic henkilötunnus: distinct for indexes below 29 200. */
export function syntheticHetu(index: number): string {
  const born = new Date(FIRST_BIRTH_DATE + ((index * 61) % DATE_SPAN_DAYS) * DAY_MS);
  const two = (value: number): string => String(value).padStart(2, '0');
  const birthDate = `${two(born.getUTCDate())}${two(born.getUTCMonth() + 1)}${two(born.getUTCFullYear() % 100)}`;
  const centurySign = born.getUTCFullYear() < 2000 ? '-' : 'A';
  const individual = String(900 + (index % 100));
  return `${birthDate}${centurySign}${individual}${hetuCheckCharacter(birthDate, individual)}`;
}
