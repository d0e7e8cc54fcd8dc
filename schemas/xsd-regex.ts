/**
 * XML Schema regular expressions as JavaScript RegExps, for the formats FHIR gives its primitive
 * types (the `regex` extension of each type's `value` element). JavaScript reads the same text
 * differently:
 *
 * - `\s` is the four XML whitespace characters (space, tab, LF, CR), not JavaScript's 25 Unicode
 *   spaces, so `\S` takes a no-break space (U+00A0), U+202F and U+3000 where JavaScript's refuses them;
 * - a character class matches characters (Unicode code points), not UTF-16 code units, so `\S`
 *   matches an emoji outside the Basic Multilingual Plane as one character (the `u` flag);
 * - `^` and `$` are ordinary characters, `.` is anything but LF and CR;
 * - the pattern matches the whole value: it is implicitly anchored.
 *
 * Only the constructs the R4 primitive regexes use are translated; any other (`\d`, `\w`, `\p{…}`,
 * class subtraction, …) throws, so a new pattern cannot be read with JavaScript's meaning unnoticed.
 *
 * @see https://www.w3.org/TR/xmlschema11-2/#regexs
 * @see https://hl7.org/fhir/R4/datatypes.html#primitive
 */

/** `\s`: the XML whitespace characters, as class items. */
const XML_SPACE = '\\u{9}\\u{A}\\u{D} ';
/** `\S`: every character but XML whitespace, as class items. */
const NOT_XML_SPACE = '\\u{0}-\\u{8}\\u{B}\\u{C}\\u{E}-\\u{1F}\\u{21}-\\u{10FFFF}';
/** SingleCharEsc: `\n`, `\r`, `\t`, and metacharacters escaped to stand for themselves. */
const CONTROL_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };
const METACHARACTER_ESCAPES: ReadonlySet<string> = new Set('\\|.-^?*+{}()[]');
/** Characters JavaScript reads as syntax outside and inside a class (with the `u` flag). */
const JS_SYNTAX: ReadonlySet<string> = new Set('^$\\.*+?()[]{}|/');
const JS_CLASS_SYNTAX: ReadonlySet<string> = new Set('\\]^-[');
const QUANTIFIER = /\{\d+(?:,\d*)?\}/y;

/** One atom read: a single character, or a set of characters as JavaScript class items. */
type Atom = { readonly char: string } | { readonly items: string };

/** Control characters written as escapes, so the translation stays readable. */
const visible = (char: string): string =>
  char >= ' ' ? char : `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
const literal = (char: string): string => (JS_SYNTAX.has(char) ? `\\${char}` : visible(char));
const classLiteral = (char: string): string => (JS_CLASS_SYNTAX.has(char) ? `\\${char}` : visible(char));

class Translator {
  private pos = 0;

  constructor(private readonly pattern: string) {}

  translate(): string {
    let out = '';
    while (this.pos < this.pattern.length) {
      const char = this.next();
      if (char === '(') out += '(?:';
      else if (char === ')' || char === '|' || char === '?' || char === '*' || char === '+') out += char;
      else if (char === '{') out += this.quantifier();
      else if (char === '[') out += this.charClass();
      else if (char === '.') out += '[^\\n\\r]';
      else {
        const atom = char === '\\' ? this.escape() : { char };
        out += 'char' in atom ? literal(atom.char) : `[${atom.items}]`;
      }
    }
    return out;
  }

  /** The next character (a whole code point). */
  private next(): string {
    const code = this.pattern.codePointAt(this.pos);
    if (code === undefined) this.fail('unexpected end of the pattern');
    const char = String.fromCodePoint(code);
    this.pos += char.length;
    return char;
  }

  /** After `\`. */
  private escape(): Atom {
    const char = this.next();
    const control = CONTROL_ESCAPES[char];
    if (control !== undefined) return { char: control };
    if (METACHARACTER_ESCAPES.has(char)) return { char };
    if (char === 's') return { items: XML_SPACE };
    if (char === 'S') return { items: NOT_XML_SPACE };
    return this.fail(`\\${char} is not translated (no R4 primitive regex uses it)`);
  }

  /** After `{`: `{n}`, `{n,}` or `{n,m}`, the same in both languages. */
  private quantifier(): string {
    QUANTIFIER.lastIndex = this.pos - 1;
    const match = QUANTIFIER.exec(this.pattern);
    if (!match) return this.fail('a { that does not start a quantifier');
    this.pos = QUANTIFIER.lastIndex;
    return match[0];
  }

  /** After `[`: a positive or negative character group of characters, ranges and escapes. */
  private charClass(): string {
    const negated = this.pattern[this.pos] === '^';
    if (negated) this.pos += 1;
    let items = '';
    while (this.pattern[this.pos] !== ']') {
      const first = this.classAtom();
      if ('items' in first) {
        items += first.items;
      } else if (this.pattern[this.pos] === '-' && this.pattern[this.pos + 1] !== ']') {
        this.pos += 1;
        const last = this.classAtom();
        if ('items' in last) this.fail('a range ending in a multi-character escape');
        items += `${classLiteral(first.char)}-${classLiteral(last.char)}`;
      } else {
        items += classLiteral(first.char);
      }
    }
    this.pos += 1;
    return `[${negated ? '^' : ''}${items}]`;
  }

  private classAtom(): Atom {
    if (this.pos >= this.pattern.length) this.fail('a [ without its ]');
    const char = this.next();
    // An unescaped [ inside a class can only open a class subtraction (`[a-z-[aeiou]]`).
    if (char === '[') this.fail('class subtraction is not translated');
    return char === '\\' ? this.escape() : { char };
  }

  private fail(problem: string): never {
    throw new Error(`XML Schema regex ${JSON.stringify(this.pattern)}: ${problem} (at ${this.pos})`);
  }
}

/**
 * The JavaScript RegExp that accepts exactly the strings the XML Schema regex `pattern` accepts
 * (anchored, `u` flag). Throws on constructs it does not translate.
 *
 * @example xsdRegExp('[^\\s]+(\\s[^\\s]+)*').test('fi\u00a0FI') // true: U+00A0 is not XML whitespace
 * @see https://www.w3.org/TR/xmlschema11-2/#regexs
 */
export function xsdRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${new Translator(pattern).translate()})$`, 'u');
}
