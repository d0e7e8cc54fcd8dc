/**
 * CDK app entry (`cdk.json` → `npx tsx lib/app.ts`): one stack per county configured in the
 * context. `npx cdk synth -c county=kanta-hame` selects a single county.
 */
import { App } from 'aws-cdk-lib';
import { addCountyStacks } from './county-stacks.js';

addCountyStacks(new App());
