/**
 * The narrative checks txt-1 and txt-2 on `Narrative.div`. Narrative is untrusted input that EHR
 * user interfaces render as HTML, so the check is an allowlist that fails closed:
 *
 * - The div is well-formed XML with one root `<div xmlns="http://www.w3.org/1999/xhtml">`. DOCTYPE
 *   and entity declarations, processing instructions and CDATA sections are refused; the only
 *   entities are the five of XML (`&nbsp;` is HTML: write `&#160;` or the character itself).
 * - txt-1: only the elements and attributes listed in the constraint's XPath
 *   (`./generated/narrative.ts`), unprefixed, plus `xml:lang` and `xmlns` with the XHTML namespace.
 *   Event handlers (`on*`) are never allowed. URLs (`href`, `src`, `cite`, `longdesc`) are relative
 *   references (`#id`, `Binary/1`) or http, https, mailto, tel or urn; images may also be base64
 *   `data:image/png|jpeg|gif|webp`. The scheme is read as browsers read it, after character
 *   references are decoded and whitespace and control characters dropped, so `java&#x09;script:`
 *   is `javascript:`. `style` is inline formatting: CSS that runs script or loads a resource
 *   (`url(`, `expression(`, `@import`, …) and CSS escapes are refused.
 * - Where HTML parsers read XML differently enough to turn text into markup, the XML is refused
 *   too: CDATA sections, and comments starting with `>` or `->` (HTML ends those at once).
 * - txt-2: some text that is not XML whitespace (as XPath `normalize-space`) or an `<img src>`.
 *
 * The parser is hand-written rather than a general XML parser (saxes would add about 29 KB to the
 * bundle): with declarations, processing instructions and CDATA refused, what remains — elements,
 * attributes, text, references and comments — is small, and anything else is an error.
 *
 * @see https://hl7.org/fhir/R4/narrative.html#xhtml
 * @see https://hl7.org/fhir/R4/narrative-definitions.html#Narrative.div
 * @see https://www.w3.org/TR/xml/#sec-well-formed
 * @see https://url.spec.whatwg.org/#concept-basic-url-parser (how browsers find the scheme)
 */
import { NarrativeAttributeNames, NarrativeElementNames } from './generated/narrative.js';

/** A narrative rule that failed; `key` is the invariant reporting it. */
export interface NarrativeProblem {
  readonly key: 'txt-1' | 'txt-2';
  readonly message: string;
}

const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const ROOT_RULE = `the narrative must be one <div xmlns="${XHTML_NAMESPACE}"> element`;
const ELEMENTS: ReadonlySet<string> = new Set(NarrativeElementNames);
const ATTRIBUTES: ReadonlySet<string> = new Set([...NarrativeAttributeNames, 'xml:lang']);
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src', 'cite', 'longdesc']);
const LINK_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'mailto', 'tel', 'urn']);
const IMAGE_SCHEMES: ReadonlySet<string> = new Set(['http', 'https']);
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/]*={0,2}$/i;
/** CSS that runs script (old IE) or fetches a resource, looked for without comments and whitespace. */
const UNSAFE_CSS = /(?:url|image|image-set|cross-fade|element|src|expression)\(|@import|behavior|binding|javascript:|vbscript:/;
const XML_ENTITIES: ReadonlyMap<string, string> = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"]]);
/** HTML entities people type, with the character reference to write instead. */
const HTML_ENTITIES: ReadonlyMap<string, number> = new Map([
  ['nbsp', 160], ['shy', 173], ['auml', 228], ['ouml', 246], ['aring', 229], ['Auml', 196], ['Ouml', 214], ['Aring', 197],
  ['eacute', 233], ['ndash', 8211], ['mdash', 8212], ['hellip', 8230], ['euro', 8364], ['copy', 169],
]);
const MAX_PROBLEMS = 10;

/** XML 1.0 names (https://www.w3.org/TR/xml/#NT-Name). */
const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_SOURCE = `[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*`;
const NAME = new RegExp(NAME_SOURCE, 'uy');
const REFERENCE = new RegExp(`&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(${NAME_SOURCE}));`, 'uy');
/** Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets), lone surrogates included. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SPACE = /[ \t\r\n]*/y;
const TEXT_RUN = /[^<&]*/y;
const QUOTED_RUN = { '"': /[^"<&]*/y, "'": /[^'<&]*/y } as const;

const show = (text: string): string => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

const isXmlChar = (code: number): boolean =>
  code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);

/** Ends the reading: what follows cannot be read reliably. */
class Stop extends Error {
  override readonly name = 'Stop';
}

function caseHint(name: string, allowed: ReadonlySet<string>): string {
  const lower = name.toLowerCase();
  return lower !== name && allowed.has(lower) ? ` (XHTML names are lowercase: ${lower})` : '';
}

function urlProblem(attribute: string, value: string): string | undefined {
  // Browsers drop leading, trailing and embedded whitespace and controls before reading the scheme.
  const compact = value.replace(/[\u0000-\u0020\u007F-\u009F]/g, '');
  const scheme = /^([^/?#]*?):/.exec(compact)?.[1];
  if (scheme === undefined) return undefined;
  const lower = scheme.toLowerCase();
  if (attribute === 'src') {
    if (lower === 'data') return DATA_IMAGE.test(compact) ? undefined : 'has a data: URL that is not a base64 PNG, JPEG, GIF or WebP image';
    if (IMAGE_SCHEMES.has(lower)) return undefined;
    return `has a URL with scheme '${show(scheme)}:', which is not allowed in narrative (images: http, https, data:image/… or a relative reference such as #id)`;
  }
  if (LINK_SCHEMES.has(lower)) return undefined;
  return `has a URL with scheme '${show(scheme)}:', which is not allowed in narrative (allowed: http, https, mailto, tel, urn or a relative reference such as #id)`;
}

function styleProblem(value: string): string | undefined {
  const css = value.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, '').replace(/[\u0000-\u0020]/g, '').toLowerCase();
  if (css.includes('\\')) return 'uses a CSS escape (\\), which is not allowed in narrative';
  const unsafe = UNSAFE_CSS.exec(css)?.[0];
  return unsafe ? `uses '${unsafe}', which is not allowed in narrative (inline formatting only: nothing that runs script or loads a resource)` : undefined;
}

function attributeProblem(name: string, value: string): string | undefined {
  if (name === 'xmlns') return value === XHTML_NAMESPACE ? undefined : `must be ${XHTML_NAMESPACE}`;
  if (name.startsWith('xmlns:')) return 'is not allowed in narrative (no namespaces other than XHTML)';
  if (/^on/i.test(name)) return 'is not allowed in narrative (event handlers are never allowed)';
  if (!ATTRIBUTES.has(name)) return `is not allowed in narrative${caseHint(name, ATTRIBUTES)}`;
  if (URL_ATTRIBUTES.has(name)) return urlProblem(name, value);
  return name === 'style' ? styleProblem(value) : undefined;
}

interface StartTag {
  readonly name: string;
  readonly empty: boolean;
  readonly xmlns: string | undefined;
}

/** Reads one narrative div, collecting the txt-1 problems it finds; throws {@link Stop} when it cannot go on. */
class NarrativeReader {
  readonly problems = new Set<string>();
  hasContent = false;
  private pos = 0;

  constructor(private readonly text: string) {}

  read(): void {
    const bad = NOT_XML_CHAR.exec(this.text);
    if (bad) {
      const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      throw new Stop(`the narrative contains U+${code}, which XML does not allow (at character ${bad.index + 1})`);
    }
    this.skipSpace();
    this.refuseDeclaration();
    if (!this.at('<') || this.at('</') || this.at('<!')) throw new Stop(`${ROOT_RULE}; it does not start with <div`);
    const root = this.startTag();
    if (root.name !== 'div') throw new Stop(`${ROOT_RULE}, not <${show(root.name)}>`);
    // A wrong namespace is already a problem of the xmlns attribute; a missing one is one of the root.
    if (root.xmlns === undefined) throw new Stop(`${ROOT_RULE}: its xmlns attribute is missing`);
    if (!root.empty) this.content();
    this.skipSpace();
    if (this.pos < this.text.length) throw new Stop(`${ROOT_RULE}; there is more after its end tag (at character ${this.pos + 1})`);
  }

  /** The content of the root div, up to and including its end tag. */
  private content(): void {
    const open = ['div'];
    while (open.length > 0) {
      if (this.pos >= this.text.length) this.notWellFormed(`<${show(open.at(-1) ?? '')}> is not closed`);
      if (!this.at('<')) {
        this.characters();
      } else if (this.at('</')) {
        const start = this.pos;
        const name = this.endTag();
        const expected = open.pop() ?? '';
        if (name !== expected) this.notWellFormed(`</${show(name)}> does not close <${show(expected)}>`, start);
      } else if (this.at('<!--')) {
        this.comment();
      } else {
        this.refuseDeclaration();
        const tag = this.startTag();
        if (!tag.empty) open.push(tag.name);
      }
    }
  }

  private refuseDeclaration(): void {
    if (this.at('<?')) throw new Stop('processing instructions and XML declarations (<?…?>) are not allowed in narrative');
    if (this.at('<![CDATA[')) throw new Stop('CDATA sections are not allowed in narrative, as HTML parsers read them differently (escape < and & as &lt; and &amp;)');
    if (this.at('<!') && !this.at('<!--')) throw new Stop('DOCTYPE and entity declarations (<!…>) are not allowed in narrative');
  }

  private startTag(): StartTag {
    this.pos += 1;
    const name = this.name('an element name after <');
    const attributes = new Map<string, string>();
    let empty = false;
    for (;;) {
      const spaced = this.skipSpace();
      if (this.at('/>') || this.at('>')) {
        empty = this.at('/>');
        this.pos += empty ? 2 : 1;
        break;
      }
      if (!spaced) this.notWellFormed(`expected whitespace, > or /> in the start tag <${show(name)}>`);
      const start = this.pos;
      const attribute = this.name(`an attribute name, > or /> in the start tag <${show(name)}>`);
      this.skipSpace();
      if (!this.at('=')) this.notWellFormed(`expected = after the attribute ${show(attribute)}`);
      this.pos += 1;
      this.skipSpace();
      const value = this.attributeValue(attribute);
      if (attributes.has(attribute)) this.notWellFormed(`the attribute ${show(attribute)} appears twice on <${show(name)}>`, start);
      attributes.set(attribute, value);
    }
    this.checkElement(name, attributes);
    return { name, empty, xmlns: attributes.get('xmlns') };
  }

  private checkElement(name: string, attributes: ReadonlyMap<string, string>): void {
    if (name === 'img' && attributes.has('src')) this.hasContent = true;
    if (!ELEMENTS.has(name)) {
      const hint = name.includes(':') ? ' (only XHTML elements, without a namespace prefix)' : caseHint(name, ELEMENTS);
      this.problem(`element <${show(name)}> is not allowed in narrative${hint}`);
    }
    for (const [attribute, value] of attributes) {
      const problem = attributeProblem(attribute, value);
      if (problem) this.problem(`attribute ${show(attribute)} on <${show(name)}> ${problem}`);
    }
  }

  private endTag(): string {
    this.pos += 2;
    const name = this.name('an element name after </');
    this.skipSpace();
    if (!this.at('>')) this.notWellFormed(`expected > to end </${show(name)}>`);
    this.pos += 1;
    return name;
  }

  /** An attribute value, normalised as XML does (literal tabs and line ends become spaces). */
  private attributeValue(attribute: string): string {
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'") this.notWellFormed(`the value of ${show(attribute)} must be in quotes`);
    this.pos += 1;
    let value = '';
    for (;;) {
      const run = this.match(QUOTED_RUN[quote]) ?? '';
      value += run.replace(/[\t\r\n]/g, ' ');
      const next = this.text[this.pos];
      if (next === quote) {
        this.pos += 1;
        return value;
      }
      if (next === '&') value += this.reference();
      else if (next === '<') this.notWellFormed('< is not allowed in an attribute value (write &lt;)');
      else this.notWellFormed(`the value of ${show(attribute)} is not closed`);
    }
  }

  private characters(): void {
    for (;;) {
      const run = this.match(TEXT_RUN) ?? '';
      if (run.includes(']]>')) this.notWellFormed(']]> is not allowed in text (write ]]&gt;)');
      if (/[^ \t\r\n]/.test(run)) this.hasContent = true;
      if (!this.at('&')) return;
      if (/[^ \t\r\n]/.test(this.reference())) this.hasContent = true;
    }
  }

  /** A character or entity reference, decoded. */
  private reference(): string {
    const start = this.pos;
    const match = this.match(REFERENCE, true);
    if (!match) this.notWellFormed('& must start a reference such as &amp; or &#228;, and a literal & is written &amp;');
    const [whole, hex, decimal, entity] = match;
    if (entity !== undefined) {
      const char = XML_ENTITIES.get(entity);
      if (char !== undefined) return char;
      const code = HTML_ENTITIES.get(entity);
      const instead = code === undefined ? 'write a character reference such as &#160; instead' : `write &#${code}; instead`;
      this.notWellFormed(`the entity &${show(entity)}; is not defined in XML, which has only &amp; &lt; &gt; &quot; &apos;; ${instead}`, start);
    }
    const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
    if (!isXmlChar(code)) this.notWellFormed(`${show(whole)} is not a character XML allows`, start);
    return String.fromCodePoint(code);
  }

  private comment(): void {
    const end = this.text.indexOf('-->', this.pos + 4);
    if (end < 0) this.notWellFormed('the comment is not closed with -->');
    const body = this.text.slice(this.pos + 4, end);
    if (body.includes('--') || body.endsWith('-')) this.notWellFormed('-- is not allowed inside a comment');
    if (body.startsWith('>') || body.startsWith('->')) this.problem('a comment starting with <!--> or <!---> is not allowed in narrative, as HTML parsers end it there');
    this.pos = end + 3;
  }

  private name(expected: string): string {
    const name = this.match(NAME);
    if (name === undefined) this.notWellFormed(`expected ${expected}`);
    return name;
  }

  private skipSpace(): boolean {
    return (this.match(SPACE) ?? '') !== '';
  }

  private at(text: string): boolean {
    return this.text.startsWith(text, this.pos);
  }

  /** Matches a sticky pattern at the current position and moves past it. */
  private match(pattern: RegExp): string | undefined;
  private match(pattern: RegExp, groups: true): RegExpExecArray | undefined;
  private match(pattern: RegExp, groups?: true): string | RegExpExecArray | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text) ?? undefined;
    if (found) this.pos += found[0].length;
    return groups ? found : found?.[0];
  }

  private problem(message: string): void {
    if (this.problems.size < MAX_PROBLEMS) this.problems.add(message);
  }

  private notWellFormed(detail: string, at = this.pos): never {
    throw new Stop(`the narrative is not well-formed XML: ${detail} (at character ${at + 1})`);
  }
}

/**
 * Checks a `Narrative.div` against txt-1 (well-formed XHTML in one root div, only the allowed
 * elements, attributes, URLs and styles) and txt-2 (some content). Returns every problem found, at
 * most ten; txt-2 is judged only when the div could be read to its end.
 * @see https://hl7.org/fhir/R4/narrative-definitions.html#Narrative.div
 */
export function checkNarrativeXhtml(div: string): NarrativeProblem[] {
  const reader = new NarrativeReader(div);
  let stopped: string | undefined;
  try {
    reader.read();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    stopped = error.message;
  }
  const messages = stopped === undefined ? [...reader.problems] : [...reader.problems, stopped];
  const problems: NarrativeProblem[] = messages.map((message) => ({ key: 'txt-1', message }));
  if (stopped === undefined && !reader.hasContent) {
    problems.push({ key: 'txt-2', message: 'the narrative has no content: it needs some non-whitespace text or an <img src>' });
  }
  return problems;
}
