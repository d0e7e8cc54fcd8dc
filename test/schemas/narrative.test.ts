import { describe, expect, it } from 'vitest';
import { validateResource } from '../../schemas/index.js';
import { carePlanFixture, goalFixture } from '../fixtures/shared-plan.js';

const XHTML = 'http://www.w3.org/1999/xhtml';
const div = (inner: string): string => `<div xmlns="${XHTML}">${inner}</div>`;
const goalWith = (narrative: string): unknown => ({ ...goalFixture(), text: { status: 'additional', div: narrative } });

/** The diagnostics of a Goal whose narrative is refused: all invariant issues at Goal.text.div, status 422. */
function refusals(narrative: string): string[] {
  const result = validateResource('Goal', goalWith(narrative));
  if (result.ok) throw new Error(`expected the narrative to be refused: ${narrative}`);
  expect(result.status).toBe(422);
  for (const issue of result.issues) expect(issue).toMatchObject({ code: 'invariant', expression: ['Goal.text.div'] });
  return result.issues.map((issue) => issue.diagnostics ?? '');
}

function expectAccepted(narrative: string): void {
  const result = validateResource('Goal', goalWith(narrative));
  expect(result.ok ? [] : result.issues).toEqual([]);
}

describe('narrative elements (txt-1)', () => {
  it.each(['script', 'style', 'form', 'input', 'button', 'textarea', 'iframe', 'frame', 'object', 'embed', 'base', 'link', 'meta', 'head', 'body', 'svg', 'math', 'ins', 'del', 'font', 'center', 'marquee'])(
    'refuses <%s>',
    (element) => {
      expect(refusals(div(`<p>Tavoite</p><${element}>x</${element}>`))).toEqual([`txt-1: element <${element}> is not allowed in narrative`]);
    },
  );

  it('refuses an upper-case <SCRIPT> and <Script>', () => {
    expect(refusals(div('<SCRIPT>alert(1)</SCRIPT>'))).toEqual(['txt-1: element <SCRIPT> is not allowed in narrative']);
    expect(refusals(div('<Script>alert(1)</Script>'))).toEqual(['txt-1: element <Script> is not allowed in narrative']);
  });

  it('refuses upper-case names of allowed elements, naming the lower-case one', () => {
    expect(refusals(div('<P>Tavoite</P>'))).toEqual(['txt-1: element <P> is not allowed in narrative (XHTML names are lowercase: p)']);
  });

  it('refuses a namespaced <svg:script> and its namespace declaration', () => {
    expect(refusals(div('<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>'))).toEqual([
      'txt-1: element <svg:script> is not allowed in narrative (only XHTML elements, without a namespace prefix)',
      'txt-1: attribute xmlns:svg on <svg:script> is not allowed in narrative (no namespaces other than XHTML)',
    ]);
  });

  it('refuses XHTML elements behind a prefix (<h:script> with xmlns:h bound to XHTML)', () => {
    expect(refusals(div(`<h:p xmlns:h="${XHTML}">x</h:p>`))).toContain('txt-1: element <h:p> is not allowed in narrative (only XHTML elements, without a namespace prefix)');
  });

  it('refuses switching the default namespace inside the div', () => {
    expect(refusals(div('<p xmlns="http://www.w3.org/2000/svg">x</p>'))).toEqual([`txt-1: attribute xmlns on <p> must be ${XHTML}`]);
  });

  it('reports each refused construct once', () => {
    expect(refusals(div('<script>a</script><p>x</p><script>b</script>'))).toEqual(['txt-1: element <script> is not allowed in narrative']);
  });
});

describe('narrative attributes (txt-1)', () => {
  it.each([
    ['onclick on <p>', '<p onclick="alert(1)">x</p>', 'onclick', 'p'],
    ['onerror on <img>', '<img src="#kuva" onerror="alert(1)"/>', 'onerror', 'img'],
    ['onmouseover on <a>', '<a href="#x" onmouseover="alert(1)">x</a>', 'onmouseover', 'a'],
    ['upper-case ONCLICK', '<p ONCLICK="alert(1)">x</p>', 'ONCLICK', 'p'],
    ['mixed-case onFocus', '<span onFocus="alert(1)">x</span>', 'onFocus', 'span'],
  ])('refuses the event handler %s', (_label, inner, attribute, element) => {
    expect(refusals(div(inner))).toEqual([`txt-1: attribute ${attribute} on <${element}> is not allowed in narrative (event handlers are never allowed)`]);
  });

  it.each([
    ['target', '<a href="#x" target="_blank">x</a>'],
    ['srcset', '<img src="#kuva" srcset="https://example.org/a.png 2x"/>'],
    ['xlink:href', '<a xlink:href="https://example.org/">x</a>'],
    ['xml:base', '<p xml:base="https://example.org/">x</p>'],
    ['HREF', '<a HREF="#x">x</a>'],
  ])('refuses the attribute %s', (attribute, inner) => {
    expect(refusals(div(inner))).toEqual([expect.stringMatching(new RegExp(`^txt-1: attribute ${attribute} on <\\w+> is not allowed in narrative`))]);
  });

  it('refuses a root <div> with event handlers', () => {
    expect(refusals(`<div xmlns="${XHTML}" onload="alert(1)">x</div>`)).toEqual([
      'txt-1: attribute onload on <div> is not allowed in narrative (event handlers are never allowed)',
    ]);
  });
});

describe('narrative URLs (txt-1)', () => {
  it.each([
    ['plain', 'javascript:alert(1)'],
    ['mixed case', 'JaVaScRiPt:alert(1)'],
    ['a leading space', ' javascript:alert(1)'],
    ['leading character references of whitespace', '&#x20;&#x0A;javascript:alert(1)'],
    ['a tab as a hex reference', 'java&#x09;script:alert(1)'],
    ['a tab as a decimal reference', 'java&#9;script:alert(1)'],
    ['a line feed as a reference', 'jav&#10;ascript:alert(1)'],
    ['a literal tab', 'java\tscript:alert(1)'],
    ['the first letter as a reference', '&#x6A;avascript:alert(1)'],
    ['the colon as a reference', 'javascript&#58;alert(1)'],
    ['the colon as a hex reference', 'javascript&#x3a;alert(1)'],
    ['vbscript', 'vbscript:msgbox(1)'],
    ['a data: document', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['a data: image in a link', 'data:image/png;base64,iVBORw0KGgo='],
    ['an unknown scheme', 'file:///etc/passwd'],
  ])('refuses an href with %s', (_label, url) => {
    expect(refusals(div(`<a href="${url}">linkki</a>`))).toEqual([expect.stringMatching(/^txt-1: attribute href on <a> has a URL with scheme '[^']+:', which is not allowed in narrative/)]);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)', /has a URL with scheme 'javascript:'/],
    ['an SVG data: URL', 'data:image/svg+xml;base64,PHN2Zy8+', /has a data: URL that is not a base64 PNG, JPEG, GIF or WebP image/],
    ['a data: document', 'data:text/html,&lt;b&gt;x&lt;/b&gt;', /has a data: URL that is not/],
    ['a data: image that is not base64', 'data:image/png,%89PNG', /has a data: URL that is not/],
    ['mailto:', 'mailto:testi@example.org', /has a URL with scheme 'mailto:'/],
  ])('refuses an img src with %s', (_label, url, problem) => {
    expect(refusals(div(`<img src="${url}" alt="kuva"/>`))).toEqual([expect.stringMatching(problem)]);
  });

  it('refuses a javascript: URL in blockquote cite and img longdesc', () => {
    expect(refusals(div('<blockquote cite="javascript:alert(1)">x</blockquote><img src="#k" longdesc="vbscript:x"/>'))).toEqual([
      expect.stringMatching(/^txt-1: attribute cite on <blockquote> has a URL with scheme 'javascript:'/),
      expect.stringMatching(/^txt-1: attribute longdesc on <img> has a URL with scheme 'vbscript:'/),
    ]);
  });
});

describe('narrative styles (txt-1)', () => {
  it.each([
    ['expression()', 'width: expression(alert(1))', 'expression('],
    ['expression() split by a comment', 'width: expr/**/ession(alert(1))', 'expression('],
    ['url(javascript:)', 'background: url(javascript:alert(1))', 'url('],
    ['an external url()', "background-image: URL( 'https://example.org/seuranta.png' )", 'url('],
    ['@import', "@import 'https://example.org/x.css'", '@import'],
    ['-moz-binding', '-moz-binding: url(x.xml#b)', 'binding'],
    ['behavior', 'behavior: url(x.htc)', 'behavior'],
  ])('refuses a style with %s', (_label, style, found) => {
    expect(refusals(div(`<p style="${style}">x</p>`))).toEqual([
      `txt-1: attribute style on <p> uses '${found}', which is not allowed in narrative (inline formatting only: nothing that runs script or loads a resource)`,
    ]);
  });

  it('refuses CSS escapes, which could spell any of those', () => {
    expect(refusals(div('<p style="width: \\65 xpression(alert(1))">x</p>'))).toEqual([
      'txt-1: attribute style on <p> uses a CSS escape (\\), which is not allowed in narrative',
    ]);
  });
});

describe('narrative XML (txt-1)', () => {
  it.each([
    ['an unclosed root', `<div xmlns="${XHTML}"><p>x</p>`, /<div> is not closed/],
    ['an unclosed element', div('<p>x'), /<\/div> does not close <p>/],
    ['a mismatched end tag', div('<p>x</b>'), /<\/b> does not close <p> \(at character 47\)/],
    ['an unquoted attribute', div('<a href=x>x</a>'), /the value of href must be in quotes/],
    ['a duplicate attribute', div('<a href="#a" href="#b">x</a>'), /the attribute href appears twice on <a>/],
    ['a bare &', div('Hoito & tuki'), /& must start a reference such as &amp; or &#228;, and a literal & is written &amp;/],
    ['< in an attribute value', div('<p title="a<b">x</p>'), /< is not allowed in an attribute value/],
    ['a reference to U+0000', div('&#0;'), /&#0; is not a character XML allows/],
    ['a reference beyond Unicode', div('&#x110000;'), /&#x110000; is not a character XML allows/],
    [']]> in text', div('a ]]> b'), /]]> is not allowed in text/],
    ['an unclosed comment', div('x<!-- kommentti'), /the comment is not closed/],
    ['-- inside a comment', div('x<!-- a -- b -->'), /-- is not allowed inside a comment/],
  ])('refuses %s as not well-formed', (_label, narrative, problem) => {
    expect(refusals(narrative)).toEqual([expect.stringMatching(/^txt-1: the narrative is not well-formed XML: /)]);
    expect(refusals(narrative)[0]).toMatch(problem);
  });

  it('refuses characters XML does not allow (a control character, a lone surrogate)', () => {
    expect(refusals(div('x\u0001'))).toEqual(['txt-1: the narrative contains U+0001, which XML does not allow (at character 44)']);
    expect(refusals(div('x\uD800'))).toEqual(['txt-1: the narrative contains U+D800, which XML does not allow (at character 44)']);
  });

  it('refuses &nbsp; (an HTML entity, not an XML one) and suggests &#160;', () => {
    expect(refusals(div('Kello&nbsp;10'))).toEqual([
      'txt-1: the narrative is not well-formed XML: the entity &nbsp; is not defined in XML, which has only &amp; &lt; &gt; &quot; &apos;; write &#160; instead (at character 48)',
    ]);
  });

  it('refuses other HTML entities, suggesting their character reference', () => {
    expect(refusals(div('P&auml;iv&auml;'))[0]).toMatch(/the entity &auml; is not defined in XML.*; write &#228; instead/);
    expect(refusals(div('&hearts;'))[0]).toMatch(/the entity &hearts; is not defined in XML.*; write a character reference such as &#160; instead/);
  });

  it.each([
    ['a DOCTYPE with an entity declaration', `<!DOCTYPE div [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${div('&xxe;')}`, 'txt-1: DOCTYPE and entity declarations (<!…>) are not allowed in narrative'],
    ['a DOCTYPE inside the div', div('<!DOCTYPE html>x'), 'txt-1: DOCTYPE and entity declarations (<!…>) are not allowed in narrative'],
    ['an XML declaration', `<?xml version="1.0"?>${div('x')}`, 'txt-1: processing instructions and XML declarations (<?…?>) are not allowed in narrative'],
    ['a processing instruction', div('<?php echo 1; ?>x'), 'txt-1: processing instructions and XML declarations (<?…?>) are not allowed in narrative'],
    ['a CDATA section', div('<![CDATA[ > <script>alert(1)</script> ]]>'), 'txt-1: CDATA sections are not allowed in narrative, as HTML parsers read them differently (escape < and & as &lt; and &amp;)'],
    ['a comment that HTML ends at once', div('<!--><script>alert(1)</script>-->x'), 'txt-1: a comment starting with <!--> or <!---> is not allowed in narrative, as HTML parsers end it there'],
  ])('refuses %s', (_label, narrative, message) => {
    expect(refusals(narrative)).toEqual([message]);
  });

  it.each([
    ['plain text', 'Tavoite', 'txt-1: the narrative must be one <div xmlns="http://www.w3.org/1999/xhtml"> element; it does not start with <div'],
    ['an empty string', '', 'txt-1: the narrative must be one <div xmlns="http://www.w3.org/1999/xhtml"> element; it does not start with <div'],
    ['a <div> without xmlns', '<div>Tavoite</div>', 'txt-1: the narrative must be one <div xmlns="http://www.w3.org/1999/xhtml"> element: its xmlns attribute is missing'],
    ['a <p> root', `<p xmlns="${XHTML}">Tavoite</p>`, 'txt-1: the narrative must be one <div xmlns="http://www.w3.org/1999/xhtml"> element, not <p>'],
    ['a comment before the root', `<!-- x -->${div('x')}`, 'txt-1: the narrative must be one <div xmlns="http://www.w3.org/1999/xhtml"> element; it does not start with <div'],
    ['a second element after the root', `${div('x')}<p>y</p>`, 'txt-1: the narrative must be one <div xmlns="http://www.w3.org/1999/xhtml"> element; there is more after its end tag (at character 50)'],
  ])('refuses %s as the narrative root', (_label, narrative, message) => {
    expect(refusals(narrative)).toEqual([message]);
  });

  it('refuses a root <div> in another namespace', () => {
    expect(refusals('<div xmlns="http://www.w3.org/2000/svg">x</div>')).toEqual([`txt-1: attribute xmlns on <div> must be ${XHTML}`]);
  });
});

describe('narrative content (txt-2)', () => {
  const TXT2 = 'txt-2: the narrative has no content: it needs some non-whitespace text or an <img src>';

  it.each([
    ['an empty div', `<div xmlns="${XHTML}"></div>`],
    ['a self-closed div', `<div xmlns="${XHTML}"/>`],
    ['only whitespace', div(' \n\t\r\n ')],
    ['whitespace as character references', div('&#32;&#10;&#x9;')],
    ['only empty elements', div('<p> </p><br/><hr/>')],
    ['an image without src', div('<img alt="kuva"/>')],
  ])('refuses %s', (_label, narrative) => {
    expect(refusals(narrative)).toEqual([TXT2]);
  });

  it('accepts a div whose only content is an image', () => {
    expectAccepted(div('<img src="#kuva" alt=""/>'));
  });

  it('accepts a div of only no-break spaces (XPath normalize-space keeps U+00A0)', () => {
    expectAccepted(div('&#160;'));
  });

  it('does not judge txt-2 when the div cannot be read', () => {
    expect(refusals(div('<p>'))).toEqual([expect.stringMatching(/^txt-1: /)]);
  });
});

describe('accepted narrative', () => {
  it('accepts Finnish, Swedish, emoji, no-break spaces and XML character references', () => {
    expectAccepted(
      div(
        '<p>Asiakas: Testi Asiakas (311080-999X). Hyvä päivä! Åsa är här: ÄÖÅ äöå.</p>' +
          '<p>Kello\u00a010.00 ja\u202f15.30 😀👍🏽 &amp; &lt;3 &gt; &quot;lainaus&quot; &apos;x&apos; &#228;&#xE4;&#x1F600; &#160;</p>',
      ),
    );
  });

  it.each([
    ['headings', '<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h5>e</h5><h6>f</h6>'],
    ['text formatting', '<p><b>b</b> <i>i</i> <em>em</em> <strong>s</strong> <small>s</small> <big>b</big> <tt>tt</tt> <sub>1</sub><sup>2</sup></p>'],
    ['phrase elements', '<p><code>c</code> <samp>s</samp> <var>v</var> <cite>c</cite> <dfn>d</dfn> <abbr title="esim.">esim.</abbr> <acronym>HOPA</acronym> <q>q</q></p>'],
    ['lists', '<ul><li>a</li></ul><ol start="2" type="1"><li value="2">b</li></ol><dl><dt>t</dt><dd>d</dd></dl>'],
    [
      'a table with spans',
      '<table border="1" summary="Toimet" cellpadding="2"><caption>Toimet</caption><colgroup span="2"><col width="50%"/></colgroup><thead><tr><th scope="col" colspan="2">Toimi</th></tr></thead><tbody><tr><td rowspan="2" align="left" valign="top">a</td><td headers="h">b</td></tr></tbody><tfoot><tr><td>c</td></tr></tfoot></table>',
    ],
    ['blocks', '<pre>  esimuotoiltu\n  teksti</pre><blockquote cite="https://example.org/lahde">lainaus</blockquote><hr/><br/><div><span>x</span></div>'],
    ['named anchors and links', '<a name="alku">alku</a> <a href="#alku">#</a> <a href="https://example.org/a?b=1&amp;c=2">https</a> <a href="http://example.org/">http</a> <a href="mailto:testi@example.org">m</a> <a href="tel:+358401234567">t</a> <a href="urn:uuid:0b8d2a50-3a8e-4c57-9f2e-2a8a3bcb7f10">u</a> <a href="Goal/esimerkki">rel</a> <a href="//example.org/x">//</a> <a href="">tyhjä</a>'],
    ['images', '<img src="#kuva" alt="kuva" width="10" height="10"/><img src="https://example.org/a.png" alt="a"/><img src="data:image/png;base64,iVBORw0KGgo=" alt="b"/><img src="Binary/kuva-1" alt="c"/>'],
    ['common attributes', `<p id="p1" class="huomio" style="color: #c00; font-weight: bold; margin: 0 1em" title="Otsikko" lang="sv" xml:lang="sv" dir="ltr">Åsa</p>`],
    ['a nested div repeating the XHTML namespace', `<div xmlns="${XHTML}">x</div>`],
    ['comments and single-quoted attributes', "<!-- luotu käsin --><p class='x'>x</p><!---->"],
    ['a URL with a colon after the path', '<a href="Goal/esimerkki?aika=10:00">x</a>'],
  ])('accepts %s', (_label, inner) => {
    expectAccepted(div(inner));
  });

  it('accepts whitespace around the root div', () => {
    expectAccepted(`\n  ${div('x')}\n`);
  });
});

describe('narrative wiring', () => {
  it('reports a narrative problem with other invariant failures as 422 and with structure errors as 400', () => {
    const goal = { ...(goalWith(div('<script>x</script>')) as object), target: [{ detailString: 'x' }] };
    expect(validateResource('Goal', goal)).toMatchObject({ ok: false, status: 422 });
    expect(validateResource('Goal', { ...(goalWith(div('<script>x</script>')) as object), lifecycleStatus: 1 })).toMatchObject({ ok: false, status: 400 });
  });

  it('checks the narrative of a contained resource of a served type, with a path into contained', () => {
    const plan = {
      ...carePlanFixture(),
      careTeam: [{ reference: '#tiimi' }],
      contained: [{ resourceType: 'CareTeam', id: 'tiimi', text: { status: 'generated', div: div('<a href="javascript:alert(1)">x</a>') } }],
    };
    expect(validateResource('CarePlan', plan)).toEqual({
      ok: false,
      status: 422,
      issues: [{ code: 'invariant', diagnostics: expect.stringMatching(/^txt-1: attribute href on <a> has a URL with scheme 'javascript:'/), expression: ['CarePlan.contained[0].text.div'] }],
    });
  });

  it('checks the narrative of a contained resource of another type', () => {
    const plan = {
      ...carePlanFixture(),
      author: { reference: '#tekija' },
      contained: [{ resourceType: 'Practitioner', id: 'tekija', text: { status: 'generated', div: div('  ') } }],
    };
    expect(validateResource('CarePlan', plan)).toEqual({
      ok: false,
      status: 422,
      issues: [{ code: 'invariant', diagnostics: expect.stringMatching(/^txt-2: /), expression: ['CarePlan.contained[0].text.div'] }],
    });
  });

  it('accepts a contained resource with a valid narrative', () => {
    const plan = {
      ...carePlanFixture(),
      author: { reference: '#tekija' },
      contained: [{ resourceType: 'Practitioner', id: 'tekija', text: { status: 'generated', div: div('Sairaanhoitaja Pekka Testinen') } }],
    };
    expect(validateResource('CarePlan', plan)).toMatchObject({ ok: true });
  });
});
