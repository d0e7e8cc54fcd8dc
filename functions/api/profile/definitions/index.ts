/** The differential StructureDefinitions of the shared-plan profile, as served and enforced. */
import { clientGoal } from './client-goal.js';
import type { ProfileSource } from './common.js';
import { sharedCarePlan } from './shared-care-plan.js';
import { sharedCareTeam } from './shared-care-team.js';
import { sharingConsent } from './sharing-consent.js';

export type { ProfileSource } from './common.js';
export { EXTENSION_DEFINITIONS } from './extensions.js';

/** The four resource profiles, one per stored resource type. */
export const PROFILE_SOURCES: readonly ProfileSource[] = [sharedCarePlan, sharedCareTeam, sharingConsent, clientGoal];
