import { describe, expect, inject, it } from 'vitest';
import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createTable } from '../scripts/local/create-table.js';

describe('DynamoDB Local', () => {
  it('creates the table from the shared definition', async () => {
    const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await createTable(client, 'smoke-table');
    const out = await client.send(new DescribeTableCommand({ TableName: 'smoke-table' }));
    expect(out.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['history']);
  });
});
