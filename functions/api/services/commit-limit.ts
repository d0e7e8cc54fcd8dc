/**
 * DynamoDB takes at most {@link MAX_TRANSACTION_ACTIONS} actions in one TransactWriteItems. A
 * commit that needs more — a transaction of many resources, or one resource with very many
 * search anchors or identifiers — is refused before anything is sent: 413 `too-costly`, naming
 * the element that makes it big.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import { FhirError } from '../../shared/errors.js';
import { MAX_TRANSACTION_ACTIONS, transactionActionCount, type CommitBatch, type ResourceWrite, type StoredVersion } from '../repository/index.js';

/** The element behind each anchored search parameter (see `ANCHORED_PARAMETERS`). */
const ANCHOR_ELEMENTS: Readonly<Record<string, string>> = {
  participant: 'participant',
  'care-team': 'careTeam',
  goal: 'goal',
  actor: 'provision.actor',
  'named-organization': 'provision.actor',
};

/** Values in `a` and not in `b`. */
const difference = (a: readonly string[] = [], b: readonly string[] = []): string[] => a.filter((value) => !b.includes(value));

/** The element of `write` that needs the most index items (one action each to add or remove), and how many. */
function largestElement(write: ResourceWrite): { element: string; items: number } {
  const before = write.previousIndex;
  const after = write.index;
  const tally = new Map<string, number>();
  for (const anchor of [...difference(after?.anchors, before?.anchors), ...difference(before?.anchors, after?.anchors)]) {
    const parameter = anchor.split('=', 1)[0] ?? '';
    const element = `${write.resourceType}.${ANCHOR_ELEMENTS[parameter] ?? parameter}`;
    tally.set(element, (tally.get(element) ?? 0) + 1);
  }
  const identifiers = difference(after?.identifiers, before?.identifiers).length + difference(before?.identifiers, after?.identifiers).length;
  tally.set(`${write.resourceType}.identifier`, identifiers);
  const [element, items] = [...tally].sort((a, b) => b[1] - a[1])[0]!;
  return { element, items };
}

/** How many audit records a commit of `versions` carries: one per client, or one about no client. */
function auditRecordCount(versions: readonly StoredVersion[]): number {
  const clients = new Set(versions.flatMap(({ access }) => (access?.clientKeys.length ? access.clientKeys : [''])));
  return clients.size;
}

/**
 * Throws 413 `too-costly` when `batch` (with the audit records of `versions`) needs more actions
 * than one TransactWriteItems holds. `inBundle` says where the expression points.
 */
export function assertFitsOneTransaction(batch: Omit<CommitBatch, 'audit'>, versions: readonly StoredVersion[], inBundle: boolean): void {
  const actions = transactionActionCount(batch) + auditRecordCount(versions);
  if (actions <= MAX_TRANSACTION_ACTIONS) return;
  const biggest = batch.writes.map((write) => ({ write, ...largestElement(write) })).sort((a, b) => b.items - a.items)[0];
  const element = biggest && biggest.items > 0 ? biggest.element : undefined;
  const culprit = element ? ` ${element} of ${biggest!.write.resourceType}/${biggest!.write.id} alone needs ${biggest!.items} (one per search anchor or identifier).` : '';
  const advice = inBundle ? 'Split the transaction, or use a batch.' : `Store fewer ${element ?? 'elements'} in one resource.`;
  throw new FhirError(413, [
    {
      code: 'too-costly',
      diagnostics: `This write needs ${actions} DynamoDB actions (resources, versions, search anchors, identifiers, sequences, audit); one atomic write holds at most ${MAX_TRANSACTION_ACTIONS} — about 30 resources of a typical shared plan.${culprit} ${advice}`,
      expression: [inBundle ? 'Bundle.entry' : (element ?? versions[0]?.resourceType ?? 'Bundle.entry')],
    },
  ]);
}
