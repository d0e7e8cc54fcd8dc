import { describe, expect, it } from 'vitest';
import { CODE_SYSTEMS, EXTENSIONS } from '../../functions/api/profile/canonical.js';
import { EXTENSION_RULES } from '../../functions/api/profile/index.js';

/** A conforming value of each extension, and one of a wrong type. */
const VALUES: Readonly<Record<string, { valid: Record<string, unknown>; wrongType: Record<string, unknown>; outsideValueSet?: Record<string, unknown> }>> = {
  [EXTENSIONS.nextReview.url]: { valid: { valueDate: '2027-02-16' }, wrongType: { valueDateTime: '2027-02-16T10:00:00+02:00' } },
  [EXTENSIONS.supportingFactor.url]: { valid: { valueString: 'Mummolassa on kivaa;\u00a0sählyssä olen hyvä. Systern ringer varje söndag.' }, wrongType: { valueMarkdown: '**hyvä**' } },
  [EXTENSIONS.consentMethod.url]: {
    valid: { valueCoding: { system: CODE_SYSTEMS.consentMethod.url, code: 'oral' } },
    wrongType: { valueCode: 'oral' },
    outsideValueSet: { valueCoding: { system: CODE_SYSTEMS.consentStorage.url, code: 'paper' } },
  },
  [EXTENSIONS.consentStorage.url]: {
    valid: { valueCoding: { system: CODE_SYSTEMS.consentStorage.url, code: 'electronic' } },
    wrongType: { valueString: 'paperilla' },
    outsideValueSet: { valueCoding: { system: CODE_SYSTEMS.consentStorage.url, code: 'cloud' } },
  },
  [EXTENSIONS.custodian.url]: { valid: { valueIdentifier: { system: 'urn:oid:1.2.246.537.6.202.2008', value: '1.2.246.10.1234567.10.1' } }, wrongType: { valueString: '1.2.246.10.1234567.10.1' } },
};

const NOW = { now: new Date('2026-12-02T12:00:00Z') };

function failures(url: string, instance: Record<string, unknown>): string[] {
  const rules = EXTENSION_RULES.get(url)?.rules ?? [];
  return rules.flatMap((rule) => rule.check({ value: instance, at: 'Extension' }, NOW).map((found) => `${rule.element}#${rule.kind} ${found.expression}`));
}

describe.each(Object.keys(VALUES))('extension %s', (url) => {
  const values = VALUES[url]!;

  it('accepts its value', () => {
    expect(failures(url, { url, ...values.valid })).toEqual([]);
  });

  it('requires a value (Extension.value[x] min 1)', () => {
    expect(failures(url, { url })).toEqual(['Extension.value[x]#min Extension.value']);
  });

  it('refuses a value of another type (Extension.value[x] type)', () => {
    expect(failures(url, { url, ...values.wrongType })).toEqual(['Extension.value[x]#type Extension.value']);
  });

  it('refuses nested extensions (Extension.extension max 0)', () => {
    expect(failures(url, { url, ...values.valid, extension: [{ url: 'paikka', valueString: 'arkisto' }] })).toEqual(['Extension.extension#max Extension.extension']);
  });

  it('is fixed to its own URL (Extension.url fixed)', () => {
    expect(failures(url, { ...values.valid, url: `${url}-other` })).toEqual(['Extension.url#fixed Extension.url']);
  });

  if (values.outsideValueSet) {
    it('refuses a code outside its value set (Extension.value[x] binding)', () => {
      expect(failures(url, { url, ...values.outsideValueSet })).toEqual(['Extension.value[x]#binding Extension.value']);
    });
  }

  it('has a rule for each constraint exercised here', () => {
    const kinds = (EXTENSION_RULES.get(url)?.rules ?? []).map((rule) => `${rule.element}#${rule.kind}`);
    const exercised = ['Extension.value[x]#min', 'Extension.value[x]#type', 'Extension.extension#max', 'Extension.url#fixed', ...(values.outsideValueSet ? ['Extension.value[x]#binding'] : [])];
    expect(kinds.sort()).toEqual(exercised.sort());
  });
});
