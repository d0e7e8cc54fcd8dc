/**
 * The search benchmark loads 100 000 resources with a bulk loader and is only meaningful while
 * the loader writes exactly what the API's create path writes; `npm run bench` checks that before
 * it loads. This runs the same check in the suite, so a change to the write path that the loader
 * does not follow (as the feed lanes once did) fails here rather than in a benchmark run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLoaderAgainstApi } from '../../bench/search.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

describe('the search benchmark bulk loader', () => {
  it("writes item for item what the API's create path writes (3 synthetic patients)", async () => {
    expect(await checkLoaderAgainstApi(api.client, 3)).toBeGreaterThan(50);
  });
});
