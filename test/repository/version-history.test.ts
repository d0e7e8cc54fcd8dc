import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { versionItem } from '../../functions/api/repository/item-codec.js';
import { DynamoResourceRepository } from '../../functions/api/repository/index.js';
import { goalWrite, TABLE } from './builders.js';

const version = (versionId: number): ReturnType<typeof versionItem> => versionItem(goalWrite('g1', { versionId, seq: versionId }));

function repositoryAnswering(output: Partial<QueryCommandOutput>): { repository: DynamoResourceRepository; mock: ReturnType<typeof mockClient> } {
  const client = new DynamoDBClient({ region: 'local' });
  const mock = mockClient(client);
  mock.on(QueryCommand).resolves(output);
  return { repository: new DynamoResourceRepository({ client, tableName: TABLE }), mock };
}

describe('DynamoResourceRepository.listVersions', () => {
  it('queries the resource\'s versions newest first, consistently, one more than a page', async () => {
    const { repository, mock } = repositoryAnswering({ Items: [version(3), version(2), version(1)], Count: 3, ScannedCount: 3 });
    const page = await repository.listVersions('Goal', 'g1', { count: 2 });
    expect(page.versions.map((v) => v.versionId)).toEqual([3, 2]);
    expect(page.nextBelowVersionId).toBe(2);
    expect(mock).toReceiveCommandExactlyOnceWith(QueryCommand, {
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': { S: 'Goal/g1' }, ':lo': { S: 'V#' }, ':hi': { S: 'V#~' } },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 3,
    });
  });

  it('links a next page when the Query stopped at the 1 MB limit before filling the page', async () => {
    const { repository } = repositoryAnswering({
      Items: [version(9), version(8)],
      Count: 2,
      ScannedCount: 2,
      LastEvaluatedKey: { PK: { S: 'Goal/g1' }, SK: { S: 'V#0000000008' } },
    });
    const page = await repository.listVersions('Goal', 'g1', { count: 5 });
    expect(page.versions.map((v) => v.versionId)).toEqual([9, 8]);
    expect(page.nextBelowVersionId).toBe(8);
  });

  it('links no next page once _since filtered out an older version', async () => {
    const { repository } = repositoryAnswering({
      Items: [version(9)],
      Count: 1,
      ScannedCount: 2,
      LastEvaluatedKey: { PK: { S: 'Goal/g1' }, SK: { S: 'V#0000000008' } },
    });
    const page = await repository.listVersions('Goal', 'g1', { count: 5, since: '2026-12-01T00:00:00.000Z' });
    expect(page.nextBelowVersionId).toBeUndefined();
  });
});
