/**
 * Builds the CDK app the way `cdk synth` does (the context of cdk.json: counties and feature
 * flags) but with Lambda bundling skipped, so infrastructure tests need no esbuild run.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { addCountyStacks } from '../../lib/county-stacks.js';
import type { SharedCarePlanStack } from '../../lib/shared-care-plan-stack.js';

interface CdkJson {
  readonly context: Record<string, unknown> & { readonly counties: Record<string, Record<string, unknown>> };
}

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as CdkJson;

/** A fresh copy of the context in cdk.json. */
export function cdkJsonContext(): CdkJson['context'] {
  return structuredClone(cdkJson.context);
}

/** An app with the cdk.json context, `overrides` on top, and bundling skipped. */
export function testApp(overrides: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...overrides } });
}

/** The stack of one county from cdk.json, with `settings` merged into its configuration. */
export function countyStack(county: string, settings: Record<string, unknown> = {}): SharedCarePlanStack {
  const { counties } = cdkJsonContext();
  const app = testApp({ county, counties: { ...counties, [county]: { ...counties[county], ...settings } } });
  const [stack] = addCountyStacks(app);
  if (!stack) throw new Error(`no stack for ${county}`);
  return stack;
}
