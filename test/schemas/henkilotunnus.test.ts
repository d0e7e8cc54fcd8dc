import { describe, expect, it } from 'vitest';
import { checkHenkilotunnus } from '../../schemas/henkilotunnus.js';
import { hetuCheckCharacter } from '../search/independent/hetu.js';

const SIGNS_1800 = ['+'];
const SIGNS_1900 = ['-', 'Y', 'X', 'W', 'V', 'U'];
const SIGNS_2000 = ['A', 'B', 'C', 'D', 'E', 'F'];
const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** A code with the right check character (from the test helper's own implementation), whatever the date and number. */
const code = (ddmmyy: string, sign: string, zzz: string): string => `${ddmmyy}${sign}${zzz}${hetuCheckCharacter(ddmmyy + zzz)}`;

describe('checkHenkilotunnus: the worked examples of the reference', () => {
  it.each(['311080-999X', '020516C903K', '010190-999W'])('accepts %s', (value) => {
    expect(checkHenkilotunnus(value)).toBeUndefined();
  });

  it('accepts 131052-308T (a real-range individual number, used only here)', () => {
    expect(checkHenkilotunnus('131052-308T')).toBeUndefined();
  });

  it('rejects 131052-308U: check character should be T', () => {
    expect(checkHenkilotunnus('131052-308U')).toBe("check character should be T, not 'U'");
  });

  it.each(['010190-999Y', '010190-999X'])('rejects the base profile example %s: check character should be W', (value) => {
    expect(checkHenkilotunnus(value)).toMatch(/^check character should be W, not /);
  });
});

describe('checkHenkilotunnus: century signs', () => {
  it.each([...SIGNS_1800, ...SIGNS_1900, ...SIGNS_2000])("accepts the century sign '%s'", (sign) => {
    expect(checkHenkilotunnus(`311080${sign}999X`)).toBeUndefined();
  });

  it.each(['G', 'Z', 'T', 'a', 'y', '*', '/', ' ', '0', '–'])("rejects the century sign '%s'", (sign) => {
    expect(checkHenkilotunnus(`311080${sign}999X`)).toBe(`century sign '${sign}' is not one of + - Y X W V U A B C D E F`);
  });

  it('reads the year from the century sign: 1800s, 1900s (old and new signs) and 2000s', () => {
    for (const sign of SIGNS_1800) expect(checkHenkilotunnus(code('290200', sign, '999'))).toBe('29 February 1800 is not a date');
    for (const sign of SIGNS_1900) expect(checkHenkilotunnus(code('290200', sign, '999'))).toBe('29 February 1900 is not a date');
    for (const sign of SIGNS_2000) expect(checkHenkilotunnus(code('290200', sign, '999'))).toBeUndefined();
  });
});

describe('checkHenkilotunnus: birth date', () => {
  it('accepts 29 February in 2000 (divisible by 400) and 2024, refuses it in 1900 (divisible by 100 only) and 2023', () => {
    expect(checkHenkilotunnus(code('290200', 'A', '999'))).toBeUndefined();
    expect(checkHenkilotunnus(code('290224', 'B', '950'))).toBeUndefined();
    expect(checkHenkilotunnus(code('290224', '-', '950'))).toBeUndefined();
    expect(checkHenkilotunnus(code('290200', '-', '999'))).toBe('29 February 1900 is not a date');
    expect(checkHenkilotunnus(code('290223', 'A', '999'))).toBe('29 February 2023 is not a date');
  });

  it('rejects days beyond the end of the month', () => {
    expect(checkHenkilotunnus(code('310490', '-', '999'))).toBe('31 April 1990 is not a date');
    expect(checkHenkilotunnus(code('300290', '-', '999'))).toBe('30 February 1990 is not a date');
    expect(checkHenkilotunnus(code('320190', '-', '999'))).toBe('32 January 1990 is not a date');
    expect(checkHenkilotunnus(code('311190', 'Y', '999'))).toBe('31 November 1990 is not a date');
  });

  it('rejects day 00, month 00 and month 13', () => {
    expect(checkHenkilotunnus(code('000190', '-', '999'))).toBe('0 January 1990 is not a date');
    expect(checkHenkilotunnus(code('010090', '-', '999'))).toBe("month 00 does not exist (DDMMYY '010090')");
    expect(checkHenkilotunnus(code('011390', '-', '999'))).toBe("month 13 does not exist (DDMMYY '011390')");
  });

  it('accepts the first and last day of the year', () => {
    expect(checkHenkilotunnus(code('010100', '+', '999'))).toBeUndefined();
    expect(checkHenkilotunnus(code('311299', 'F', '999'))).toBeUndefined();
  });

  it('agrees with the calendar on every DDMMYY in every century', () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    for (const [sign, century] of [['+', 1800], ['-', 1900], ['A', 2000]] as const) {
      for (let yy = 0; yy < 100; yy += 1) {
        for (let mm = 0; mm <= 13; mm += 1) {
          for (let dd = 0; dd <= 32; dd += 1) {
            const date = new Date(Date.UTC(2000, mm - 1, dd));
            date.setUTCFullYear(century + yy);
            const real = mm >= 1 && mm <= 12 && dd >= 1 && date.getUTCMonth() === mm - 1 && date.getUTCDate() === dd;
            const problem = checkHenkilotunnus(code(`${two(dd)}${two(mm)}${two(yy)}`, sign, '999'));
            if ((problem === undefined) !== real) expect.fail(`${two(dd)}${two(mm)}${two(yy)}${sign}: ${problem ?? 'accepted'}`);
          }
        }
      }
    }
  });

  it('rejects a birth date that is not six digits', () => {
    expect(checkHenkilotunnus('31108a-999X')).toBe("the birth date '31108a' must be six digits (DDMMYY)");
    expect(checkHenkilotunnus('3 1080-999X')).toBe("the birth date '3 1080' must be six digits (DDMMYY)");
  });
});

describe('checkHenkilotunnus: individual number', () => {
  it.each(['000', '001'])('rejects %s, which is never issued', (zzz) => {
    expect(checkHenkilotunnus(code('311080', '-', zzz))).toBe(
      `individual number ${zzz} is not issued (002–899 for persons, 900–999 for temporary identities)`,
    );
  });

  it.each(['002', '899', '900', '999'])('accepts %s', (zzz) => {
    expect(checkHenkilotunnus(code('311080', '-', zzz))).toBeUndefined();
  });

  it('rejects an individual number that is not three digits', () => {
    expect(checkHenkilotunnus('311080-9a9X')).toBe("the individual number '9a9' must be three digits");
    expect(checkHenkilotunnus('311080-+99X')).toBe("the individual number '+99' must be three digits");
  });
});

describe('checkHenkilotunnus: check character', () => {
  it('accepts exactly one check character for every individual number 002–999', () => {
    for (let n = 2; n <= 999; n += 1) {
      const zzz = String(n).padStart(3, '0');
      const expected = CHECK_CHARACTERS[Number(`311080${zzz}`) % 31];
      for (const candidate of `${CHECK_CHARACTERS}GIOQZ`) {
        const problem = checkHenkilotunnus(`311080-${zzz}${candidate}`);
        const wanted = candidate === expected ? undefined : `check character should be ${expected}, not '${candidate}'`;
        if (problem !== wanted) expect.fail(`311080-${zzz}${candidate}: ${problem ?? 'accepted'}`);
      }
    }
  });

  it('refuses a lower-case check character', () => {
    expect(checkHenkilotunnus('311080-999x')).toBe("check character should be X, not 'x'");
    expect(checkHenkilotunnus('020516C903k')).toBe("check character should be K, not 'k'");
  });

  it('refuses a lower-case century sign', () => {
    expect(checkHenkilotunnus('020516c903K')).toMatch(/^century sign 'c' is not one of /);
  });
});

describe('checkHenkilotunnus: length', () => {
  it.each(['', '311080', '311080-999', '311080-999XX', ' 311080-999X', '311080-999X ', '311080–999X '])(
    'rejects %j, which is not 11 characters',
    (value) => {
      expect(checkHenkilotunnus(value)).toBe(`must be 11 characters (DDMMYYCZZZQ), not ${value.length}`);
    },
  );
});
