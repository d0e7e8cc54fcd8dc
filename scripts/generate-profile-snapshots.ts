/**
 * Writes the snapshots of the shared-plan profiles and extensions
 * (`functions/api/profile/generated/snapshots.ts`) from their differentials and the core R4
 * snapshots. Run with `npx tsx scripts/generate-profile-snapshots.ts` after changing a
 * differential; `test/profile/snapshot.test.ts` fails while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SNAPSHOTS_FILE, snapshotsSource } from './profile-snapshots-source.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(join(ROOT, SNAPSHOTS_FILE), snapshotsSource());
console.log(`Wrote ${SNAPSHOTS_FILE}`);
