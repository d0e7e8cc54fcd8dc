import { describe, expect, it } from 'vitest';
import type { FhirResource } from 'fhir/r4.js';
import { validateResource } from '../../schemas/index.js';
import { ENFORCED_PROFILES, profileIssues } from '../../functions/api/profile/index.js';
import { PROFILES } from '../../functions/api/profile/canonical.js';
import { ALLOWED, BREACHES, CONFORMING, MORE_BREACHES, changed, type ProfiledType } from './examples.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const TYPES = Object.keys(CONFORMING) as ProfiledType[];
const issuesOf = (resource: Record<string, unknown>, requireProfiles = false): ReturnType<typeof profileIssues> =>
  profileIssues(resource as unknown as FhirResource, { requireProfiles, now: NOW });
const ruleId = (element: string, kind: string, key?: string): string => `${element}#${kind}${key ? `:${key}` : ''}`;

describe('conforming examples', () => {
  it.each(TYPES)('the profiled %s passes the R4 validation and its profile', (type) => {
    const resource = CONFORMING[type]();
    expect(validateResource(type, resource).ok).toBe(true);
    expect(issuesOf(resource)).toEqual([]);
    expect(issuesOf(resource, true)).toEqual([]);
  });

  it.each(ALLOWED.map((allowed) => [allowed.type, allowed.why, allowed] as const))('%s still conforms: %s', (type, _why, allowed) => {
    const resource = changed(type, allowed.change);
    expect(validateResource(type, resource)).toMatchObject({ ok: true });
    expect(issuesOf(resource)).toEqual([]);
  });
});

describe('each rule', () => {
  it('has an example that breaks it', () => {
    const enforced = ENFORCED_PROFILES.flatMap((profile) => profile.rules.map((rule) => ruleId(rule.element, rule.kind, rule.key)));
    expect(new Set(BREACHES.map((breach) => breach.rule))).toEqual(new Set(enforced));
  });

  it.each([...BREACHES, ...MORE_BREACHES].map((breach) => [breach.rule, breach.why, breach] as const))('%s fails (%s), naming the element', (rule, _why, breach) => {
    const resource = changed(breach.type, breach.change);
    // The breach is valid R4, so it reaches the profile check on every write path.
    expect(validateResource(breach.type, resource)).toMatchObject({ ok: true });
    const [element, kind] = rule.split('#') as [string, string];
    const issue = issuesOf(resource).find((candidate) => candidate.diagnostics.includes(`rule ${element} `) && candidate.expression?.includes(breach.expression));
    expect(issue, JSON.stringify(issuesOf(resource), null, 1)).toBeDefined();
    expect(issue?.severity ?? 'error').toBe('error');
    if (kind.startsWith('invariant:')) expect(issue?.diagnostics).toContain(kind.slice('invariant:'.length));
    expect(issue?.diagnostics).toMatch(/^Profile [a-z-]+, rule /);
  });
});

describe('which profiles apply', () => {
  it('checks nothing but R4 when meta.profile names no profile and none is required', () => {
    const resource = changed('CarePlan', (r) => { delete r.meta; delete r.careTeam; });
    expect(issuesOf(resource)).toEqual([]);
    expect(issuesOf(resource, true).map((issue) => issue.expression)).toEqual([['CarePlan.careTeam']]);
  });

  it('refuses an unknown profile, naming it and its place in meta.profile', () => {
    const issues = issuesOf(changed('Goal', (r) => (r.meta.profile = ['https://example.fi/fhir/StructureDefinition/goal', PROFILES.goal.url])));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'value', expression: ['Goal.meta.profile[0]'] });
    expect(issues[0]?.diagnostics).toContain("Unknown profile 'https://example.fi/fhir/StructureDefinition/goal'");
  });

  it('refuses an unknown version of a known profile', () => {
    const issues = issuesOf(changed('Goal', (r) => (r.meta.profile = [`${PROFILES.goal.url}|9.9.9`])));
    expect(issues.map((issue) => issue.expression)).toEqual([['Goal.meta.profile[0]']]);
  });

  it('refuses the profile of another type', () => {
    const issues = issuesOf(changed('Goal', (r) => (r.meta.profile = [PROFILES.consent.url])));
    expect(issues).toEqual([expect.objectContaining({ expression: ['Goal.meta.profile[0]'], diagnostics: expect.stringContaining('constrains Consent, not Goal') })]);
  });

  it('reports one issue per failed rule, with every place it failed', () => {
    const resource = changed('CareTeam', (r) => {
      r.participant[1].role[0].coding = r.participant[1].role[0].coding.slice(0, 1);
      r.participant[2].role[0].coding = r.participant[2].role[0].coding.slice(0, 1);
    });
    const issues = issuesOf(resource);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'code-invalid', expression: ['CareTeam.participant[1].role[0]', 'CareTeam.participant[2].role[0]'] });
  });

  it('judges the coordinator against the instant of the write', () => {
    const resource = changed('CareTeam', (r) => (r.participant[0].period = { start: '2026-01-01', end: '2026-12-31' }));
    expect(profileIssues(resource as FhirResource, { now: new Date('2026-12-31T21:59:59.999Z') })).toEqual([]);
    // 2026-12-31 ends at midnight in Finland (UTC+2).
    expect(profileIssues(resource as FhirResource, { now: new Date('2026-12-31T22:00:00.000Z') }).map((issue) => issue.expression)).toEqual([['CareTeam.participant']]);
  });
});
