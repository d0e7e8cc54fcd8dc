/**
 * A small walker for the FHIRPath subset used by the R4 search parameters of CarePlan, CareTeam,
 * Consent and Goal and by this API's own (`profile/search-parameters.ts`): dotted paths over
 * arrays, choice elements, unions (`a | b`), `(path as type)`, `.where(resolve() is Type)`
 * (removed here; the caller applies the restriction) and `extension.where(url='…')`.
 *
 * @see https://hl7.org/fhirpath/N1/#path-selection
 * @see https://hl7.org/fhir/R4/formats.html#choice
 */

/** A value reached by a path; `type` is the FHIR type named by a choice element's suffix (`scheduledPeriod` → `Period`). */
export interface PathNode {
  readonly value: unknown;
  readonly type?: string;
}

/** One step of a path: an element name, optionally keeping only the items whose `url` is given (`extension.where(url='…')`). */
interface Segment {
  readonly name: string;
  readonly url?: string;
}

interface CompiledPath {
  readonly resourceType: string;
  readonly segments: readonly Segment[];
  /** `(Goal.start as date)`: only nodes of this FHIR type. */
  readonly asType?: string;
}

const PRIMITIVE_TYPES = new Set([
  'base64Binary', 'boolean', 'canonical', 'code', 'date', 'dateTime', 'decimal', 'id', 'instant', 'integer',
  'markdown', 'oid', 'positiveInt', 'string', 'time', 'unsignedInt', 'uri', 'url', 'uuid',
]);
const COMPLEX_TYPES = new Set([
  'Address', 'Age', 'Annotation', 'Attachment', 'CodeableConcept', 'Coding', 'ContactDetail', 'ContactPoint',
  'Contributor', 'Count', 'DataRequirement', 'Distance', 'Dosage', 'Duration', 'Expression', 'HumanName',
  'Identifier', 'Meta', 'Money', 'ParameterDefinition', 'Period', 'Quantity', 'Range', 'Ratio', 'Reference',
  'RelatedArtifact', 'SampledData', 'Signature', 'Timing', 'TriggerDefinition', 'UsageContext',
]);

const WHERE_RESOLVE = /\.where\(resolve\(\) is [A-Za-z]+\)$/;
const AS_TYPE = /^\((.+) as ([A-Za-z]+)\)$/;
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;
/** `.where(url='…')` after an element: the URL may hold dots, so it is cut out before splitting. */
const WHERE_URL = /\.where\(url='([^']*)'\)/g;

const cache = new Map<string, readonly CompiledPath[]>();

function compilePart(part: string, expression: string): CompiledPath {
  const cast = AS_TYPE.exec(part);
  const urls: string[] = [];
  const path = (cast?.[1] ?? part).replace(WHERE_RESOLVE, '').replace(WHERE_URL, (_, url: string) => `#${urls.push(url) - 1}`);
  const [resourceType, ...names] = path.split('.');
  const segments = names.map((name): Segment => {
    const [element = '', filter] = name.split('#');
    return filter === undefined ? { name: element } : { name: element, url: urls[Number(filter)]! };
  });
  if (resourceType === undefined || segments.length === 0 || ![resourceType, ...segments.map((s) => s.name)].every((s) => IDENTIFIER.test(s))) {
    throw new Error(`Unsupported search parameter expression: ${expression}`);
  }
  return { resourceType, segments, ...(cast?.[2] ? { asType: cast[2] } : {}) };
}

function compile(expression: string): readonly CompiledPath[] {
  let compiled = cache.get(expression);
  if (!compiled) {
    compiled = expression.split(' | ').map((part) => compilePart(part.trim(), expression));
    cache.set(expression, compiled);
  }
  return compiled;
}

/** `DateTime` → `dateTime`, `Period` → `Period`; undefined when the suffix names no FHIR type. */
function choiceType(suffix: string): string | undefined {
  const primitive = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  if (PRIMITIVE_TYPES.has(primitive)) return primitive;
  return COMPLEX_TYPES.has(suffix) ? suffix : undefined;
}

function push(out: PathNode[], value: unknown, type?: string): void {
  for (const item of Array.isArray(value) ? value : [value]) {
    if (item !== null && item !== undefined) out.push(type ? { value: item, type } : { value: item });
  }
}

function step(nodes: readonly PathNode[], { name, url }: Segment): PathNode[] {
  const out: PathNode[] = [];
  for (const { value } of nodes) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const object = value as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(object, name)) {
      push(out, object[name]);
      continue;
    }
    // A choice element `name[x]` appears as `name<Type>`; a resource holds at most one of them.
    for (const key of Object.keys(object)) {
      const type = key.startsWith(name) ? choiceType(key.slice(name.length)) : undefined;
      if (type) push(out, object[key], type);
    }
  }
  return url === undefined ? out : out.filter(({ value }) => typeof value === 'object' && value !== null && (value as { url?: unknown }).url === url);
}

/**
 * The nodes an expression selects in `resource`. Parts of a union that start with another
 * resource type select nothing. A cast keeps only choice values of that type.
 *
 * @throws Error when the expression uses FHIRPath beyond this subset.
 */
export function selectNodes(resource: { readonly resourceType: string }, expression: string): PathNode[] {
  const out: PathNode[] = [];
  for (const path of compile(expression)) {
    if (path.resourceType !== resource.resourceType) continue;
    let nodes: PathNode[] = [{ value: resource }];
    for (const segment of path.segments) nodes = step(nodes, segment);
    out.push(...(path.asType ? nodes.filter((node) => node.type === path.asType) : nodes));
  }
  return out;
}
