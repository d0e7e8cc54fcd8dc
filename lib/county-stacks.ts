import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadCountyConfigs } from './config.js';
import { SharedCarePlanStack } from './shared-care-plan-stack.js';

/** Value of the `app` tag on every resource. */
export const APP_TAG = 'shared-care-plan';

/**
 * Adds one `SharedCarePlan-<county>` stack per selected county (context `county`, default all),
 * tags them, and runs the cdk-nag AwsSolutions and Serverless checks at synth: an unacknowledged
 * finding fails the synth.
 *
 * @throws CountyConfigError when the county configuration in the context is invalid.
 */
export function addCountyStacks(app: App): SharedCarePlanStack[] {
  const stacks = loadCountyConfigs(app).map((config) => {
    const stack = new SharedCarePlanStack(app, `SharedCarePlan-${config.id}`, { config });
    Tags.of(stack).add('county', config.id);
    return stack;
  });
  Tags.of(app).add('app', APP_TAG);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stacks;
}
