// The Markdown renderer for posts: each construct's AST and HTML, CommonMark/GFM spec examples, an
// XSS corpus, hostile-input timing, seeded random documents, and the renderer as bundled for the
// browsers (in Node and Chromium). Expected values are written by hand from the CommonMark/GFM
// specs, not taken from output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { h as preactH } from 'preact';

import { parseMarkdown, renderMarkdown, safeUrl } from '../../web/src/lib/markdown.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// A hyperscript function that records what the renderer asks for.
const h = (type, props, ...children) => ({ type, props, children });

const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Serializes recorded vnodes the way a DOM would: text escaped, attributes quoted and escaped.
function toHtml(node) {
  if (Array.isArray(node)) return node.map(toHtml).join('');
  if (typeof node === 'string') return escapeHtml(node);
  const attrs = Object.entries(node.props ?? {}).map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`).join('');
  if (node.type === 'br' || node.type === 'hr') return `<${node.type}${attrs}>`;
  return `<${node.type}${attrs}>${toHtml(node.children)}</${node.type}>`;
}
const html = (markdown) => toHtml(renderMarkdown(markdown, h));

// AST builders.
const T = (value) => ({ type: 'text', value });
const P = (...children) => ({ type: 'paragraph', children });
const H = (level, ...children) => ({ type: 'heading', level, children });
const E = (...children) => ({ type: 'emphasis', children });
const S = (...children) => ({ type: 'strong', children });
const D = (...children) => ({ type: 'strikethrough', children });
const C = (value) => ({ type: 'code_span', value });
const L = (href, ...children) => ({ type: 'link', href, children });
const BR = { type: 'hard_break' };
const HR = { type: 'thematic_break' };
const CODE = (value) => ({ type: 'code_block', value });
const Q = (...children) => ({ type: 'blockquote', children });
const LI = (...children) => ({ type: 'list_item', children });
const UL = (tight, ...children) => ({ type: 'list', ordered: false, start: null, tight, children });
const OL = (start, tight, ...children) => ({ type: 'list', ordered: true, start, tight, children });

const parses = (markdown, expected) => assert.deepEqual(parseMarkdown(markdown), expected);

test('paragraphs keep soft breaks; two spaces or a backslash make hard breaks', () => {
  parses('a\nb\n\n  c', [P(T('a\nb')), P(T('c'))]);
  parses('a  \nb\\\nc   ', [P(T('a'), BR, T('b'), BR, T('c'))]);
  parses('a\r\nb\rc', [P(T('a\nb\nc'))]);
});

test('ATX and setext headings', () => {
  parses('# a\n## b ##\n###### f #\n####### g\n#5', [H(1, T('a')), H(2, T('b')), H(6, T('f')), P(T('####### g\n#5'))]);
  parses('# a#\n#', [H(1, T('a#')), H(1)]);
  parses('Big\n===\nSmall *x*\n---', [H(1, T('Big')), H(2, T('Small '), E(T('x')))]);
});

test('emphasis, strong and strikethrough follow the flanking rules', () => {
  parses('*a* _b_ **c** __d__ ***e***', [P(E(T('a')), T(' '), E(T('b')), T(' '), S(T('c')), T(' '), S(T('d')), T(' '),
    E(S(T('e'))))]);
  parses('~~a~~ ~b~ ~~~c~~~', [P(D(T('a')), T(' ~b~ ~~~c~~~'))]);
  parses('snake_case_name a*b*c * a *', [P(T('snake_case_name a'), E(T('b')), T('c * a *'))]);
  parses('*foo**bar*', [P(E(T('foo**bar')))]); // the rule of 3
  parses('**a *b* c**', [P(S(T('a '), E(T('b')), T(' c')))]);
  parses('*a **b', [P(T('*a **b'))]);
});

test('code spans bind before emphasis and keep their content literal', () => {
  parses('`` a`b `` `*x*` `a\nb`', [P(C('a`b'), T(' '), C('*x*'), T(' '), C('a b'))]);
  parses('```x`` `', [P(T('```x`` `'))]);
  parses('*a `*` b*', [P(E(T('a '), C('*'), T(' b')))]);
});

test('fenced and indented code blocks', () => {
  parses('```js\nx <b>\n\n  y\n```\nafter', [CODE('x <b>\n\n  y'), P(T('after'))]);
  parses('~~~\n```\n~~~~', [CODE('```')]);
  parses('  ```\n  a\n    b\n  ```', [CODE('a\n  b')]);
  parses('```\nunclosed', [CODE('unclosed')]);
  parses('``` a`b\n', [P(T('``` a`b'))]); // a backtick in the info string: no fence
  parses('    code <i>\n\n      more\n\nx', [CODE('code <i>\n\n  more'), P(T('x'))]);
  parses('a\n    b', [P(T('a\nb'))]); // indented code cannot interrupt a paragraph
});

test('thematic breaks', () => {
  parses('***\n- - -\n _ _ _\na\n---\n\n***', [HR, HR, HR, H(2, T('a')), HR]);
  parses('--\n* * x', [P(T('--')), UL(true, LI(UL(true, LI(P(T('x'))))))]);
});

test('block quotes nest and take lazy continuation lines', () => {
  parses('> a\nb\n> > c\n\nd', [Q(P(T('a\nb')), Q(P(T('c')))), P(T('d'))]);
  parses('> # h\n> - i\n---', [Q(H(1, T('h')), UL(true, LI(P(T('i'))))), HR]);
  parses('>\tx', [Q(P(T('x')))]);
});

test('lists: bullets, ordered starts, tight and loose, nesting', () => {
  parses('- a\n- b', [UL(true, LI(P(T('a'))), LI(P(T('b'))))]);
  parses('7. a\n8. b', [OL(7, true, LI(P(T('a'))), LI(P(T('b'))))]);
  parses('1) a\n\n2) b', [OL(1, false, LI(P(T('a'))), LI(P(T('b'))))]);
  parses('- a\n\n  b', [UL(false, LI(P(T('a')), P(T('b'))))]);
  parses('- a\n  - b\n\n  - c', [UL(true, LI(P(T('a')), UL(false, LI(P(T('b'))), LI(P(T('c'))))))]);
  parses('- a\n+ b', [UL(true, LI(P(T('a')))), UL(true, LI(P(T('b'))))]);
  parses('- a\nlazy', [UL(true, LI(P(T('a\nlazy'))))]);
  parses('-     code', [UL(true, LI(CODE('code')))]);
  parses('The year\n2019. was odd', [P(T('The year\n2019. was odd'))]);
  parses('-\n  x', [UL(true, LI(P(T('x'))))]);
});

test('inline links, escapes and entities in destinations; titles are dropped', () => {
  parses('[a](https://x.com "t") [b](<https://x.com/a b>) '
    + '[c](http://x.com/\\(a\\)?q=1&amp;r=2)',
    [P(L('https://x.com/', T('a')), T(' b '), L('http://x.com/(a)?q=1&r=2', T('c')))]);
  parses('[a [b] *c*](http://x.com/(p))', [P(L('http://x.com/(p)', T('a [b] '), E(T('c'))))]);
  parses('[](https://x.com)', [P(L('https://x.com/', T('https://x.com/')))]);
  parses('[a](https://x.com', [P(T('[a]('), L('https://x.com/', T('https://x.com')))]);
});

test('no link inside a link', () => {
  parses('[a [b](http://b.com) c](http://x.com)',
    [P(T('[a '), L('http://b.com/', T('b')), T(' c]('), L('http://x.com/', T('http://x.com')), T(')'))]);
  parses('[see *https://a.com*](https://b.com)', [P(L('https://b.com/', T('see '), E(T('https://a.com'))))]);
});

test('reference links resolve as CommonMark defines them, and their URLs pass safeUrl too', () => {
  parses('[a][b] [b] [B][] ![i][b]\n\n[b]: https://x.com "t"', [P(L('https://x.com/', T('a')), T(' '),
    L('https://x.com/', T('b')), T(' '), L('https://x.com/', T('B')), T(' '), L('https://x.com/', T('i')))]);
  parses('[a][b]\n\n[b]: /url', [P(T('a'))]); // a relative URL is refused: the link is its text
  parses('[a][c] [d]\n\n[b]: https://x.com', [P(T('[a][c] [d]'))]); // undefined labels stay text
  parses('[x]\n\n[x]: https://a.com\n[x]: https://b.com', [P(L('https://a.com/', T('x')))]); // the first wins
  // Labels that name Object.prototype members are labels like any other.
  parses('[constructor] [toString][] [hasOwnProperty]\n\n[__proto__]: https://x.com',
    [P(T('[constructor] [toString][] [hasOwnProperty]'))]);
  assert.equal(Object.prototype.href, undefined);
});

test('images become links to the image, labelled with their alt text', () => {
  parses('![a *b*](http://x.com/i.png)', [P(L('http://x.com/i.png', T('a b')))]);
  parses('![](http://x.com/i.png)', [P(L('http://x.com/i.png', T('http://x.com/i.png')))]);
  parses('![a](javascript:alert(1))', [P(T('a'))]);
  parses('!a ![b', [P(T('!a ![b'))]);
});

test('autolinks in angle brackets and bare http(s) URLs', () => {
  parses('<https://x.com/a> <me@x.org> <ftp://x.com> <a@b>', [P(L('https://x.com/a', T('https://x.com/a')), T(' '),
    L('mailto:me@x.org', T('me@x.org')), T(' <ftp://x.com> '), L('mailto:a@b', T('a@b')))]);
  parses('see https://x.com/a_(b)). and (HTTP://y.com/?q=1), www.z.com', [P(T('see '),
    L('https://x.com/a_(b)', T('https://x.com/a_(b)')), T('). and ('), L('http://y.com/?q=1', T('HTTP://y.com/?q=1')),
    T('), www.z.com'))]);
  parses('xhttp://x.com *http://y.com*', [P(T('xhttp://x.com '), E(L('http://y.com/', T('http://y.com'))))]);
  // The scheme must start a word: a letter, digit, "+", "-" or "." before it joins the scheme.
  parses('---https://x.com a.http://y.com 1http://z.com',
    [P(T('---https://x.com a.http://y.com 1http://z.com'))]);
  // A bare URL longer than safeUrl's 2,048 characters stays text.
  const long = 'http://x.com/' + 'c'.repeat(2035); // 2,048 characters
  parses(`a ${long} b`, [P(T('a '), L(long, T(long)), T(' b'))]);
  parses(`a ${long}d b`, [P(T(`a ${long}d b`))]);
});

test('raw HTML, backslash escapes and entities are text', () => {
  parses('<b onclick="x">hi</b>', [P(T('<b onclick="x">hi</b>'))]);
  parses('\\*a\\* \\<b> &copy; &#65;&#x42; &#0; &nosuch; \\q &amp;lt;',
    [P(T('*a* <b> \u00a9 AB \uFFFD &nosuch; \\q &lt;'))]);
});

test('input over maxLength is truncated, never splitting a character', () => {
  parses('x'.repeat(40010), [P(T('x'.repeat(40000)))]);
  assert.deepEqual(parseMarkdown('abcdef', { maxLength: 3 }), [P(T('abc'))]);
  assert.deepEqual(parseMarkdown('ab\u{1F600}', { maxLength: 3 }), [P(T('ab'))]);
  assert.deepEqual(parseMarkdown(undefined), []);
});

test('nesting is capped at 16 levels for quotes, lists and inlines', () => {
  let node = parseMarkdown('>'.repeat(100))[0];
  for (let level = 0; level < 16; level++, node = node.children[0]) assert.equal(node.type, 'blockquote');
  assert.deepEqual(node, P(T('>'.repeat(84))));
  node = parseMarkdown('1. '.repeat(30) + 'x')[0];
  for (let level = 0; level < 16; level++, node = node.children[0].children[0]) assert.equal(node.type, 'list');
  assert.deepEqual(node, P(T('1. '.repeat(14) + 'x')));
  const deepest = (n) => (n.children ? 1 + Math.max(0, ...n.children.map(deepest)) : 0);
  const inline = parseMarkdown('*'.repeat(60) + 'a' + '*'.repeat(60));
  assert.ok(deepest(inline[0]) <= 17, 'paragraph + at most 16 inline levels');
});

const TABLE = (...children) => ({ type: 'table', children });
const THEAD = (...rows) => ({ type: 'table_head', children: rows });
const TBODY = (...rows) => ({ type: 'table_body', children: rows });
const TR = (...cells) => ({ type: 'table_row', children: cells });
const TH = (align, ...children) => ({ type: 'table_cell', header: true, align, children });
const TD = (align, ...children) => ({ type: 'table_cell', header: false, align, children });

test('GFM tables: header, alignment, inline content, missing cells, raw HTML as text', () => {
  parses('| a | b | c |\n|:--|:-:|--:|\n| *x* | <b>y</b> | [l](https://e.example) |\n| 1 |', [TABLE(
    THEAD(TR(TH('left', T('a')), TH('center', T('b')), TH('right', T('c')))),
    TBODY(
      TR(TD('left', E(T('x'))), TD('center', T('<b>y</b>')), TD('right', L('https://e.example/', T('l')))),
      TR(TD('left', T('1')), TD('center'), TD('right'))))]);
  // No delimiter row, or a different cell count in it: a paragraph (GFM spec examples 201, 203).
  parses('| a |\n| b |', [P(T('| a |\n| b |'))]);
  parses('| a | b |\n| - |\n| c |', [P(T('| a | b |\n| - |\n| c |'))]);
  // A header alone is a table without a body; an escaped pipe stays in its cell.
  parses('a | b\n--|--', [TABLE(THEAD(TR(TH(null, T('a')), TH(null, T('b')))))]);
  parses('| a \\| b |\n|-|\n', [TABLE(THEAD(TR(TH(null, T('a | b')))))]);
  // Rendered: a scrolling wrapper, th/td with only a fixed align value; an unsafe link in a
  // cell is its text, as everywhere.
  assert.equal(html('| a | b |\n|:-:|---|\n| [x](javascript:alert(1)) | y |'),
    '<div class="md-table"><table><thead><tr><th align="center">a</th><th>b</th></tr></thead>' +
    '<tbody><tr><td align="center">x</td><td>y</td></tr></tbody></table></div>');
});

test('render: heading levels shift by two so posts never outrank the page', () => {
  assert.equal(html('# a\n## b\n### c\n#### d\n##### e\n###### f'),
    '<h3>a</h3><h4>b</h4><h5>c</h5><h6>d</h6><h6>e</h6><h6>f</h6>');
});

test('render: exact HTML for the main constructs', () => {
  assert.equal(html('- a\n- b *c*'), '<ul><li>a</li><li>b <em>c</em></li></ul>');
  assert.equal(html('- a\n\n- b'), '<ul><li><p>a</p></li><li><p>b</p></li></ul>');
  assert.equal(html('3. x\n4. y'), '<ol start="3"><li>x</li><li>y</li></ol>');
  // Later numbers do not matter; the blank line makes the whole list loose.
  assert.equal(html('3. x\n9. y\n\n1. z'), '<ol start="3"><li><p>x</p></li><li><p>y</p></li><li><p>z</p></li></ol>');
  assert.equal(html('> *q* `<c>`\n\n---\n\n```\n<b>&amp;\n```'),
    '<blockquote><p><em>q</em> <code>&lt;c&gt;</code></p></blockquote><hr><pre><code>&lt;b&gt;&amp;amp;</code></pre>');
  assert.equal(html('[x](https://a.example/p?q=1 "t")'),
    '<p><a href="https://a.example/p?q=1" rel="nofollow noopener noreferrer ugc" target="_blank">x</a></p>');
  assert.equal(html('a  \nb ~~c~~ **d**'), '<p>a<br>b <del>c</del> <strong>d</strong></p>');
  assert.equal(html('<img src=x onerror=alert(1)>'), '<p>&lt;img src=x onerror=alert(1)&gt;</p>');
  assert.equal(html('[x](javascript:alert(1)) & "q"'), '<p>x &amp; &quot;q&quot;</p>');
});

test('render: works with Preact h, and link vnodes carry only href, rel and target', () => {
  const [paragraph] = renderMarkdown('see [x](https://a.example)', preactH);
  assert.equal(paragraph.type, 'p');
  const [text, link] = paragraph.props.children;
  assert.equal(text, 'see ');
  assert.equal(link.type, 'a');
  assert.deepEqual(link.props, { href: 'https://a.example/', rel: 'nofollow noopener noreferrer ugc', target: '_blank',
    children: 'x' });
});

test('safeUrl keeps absolute http, https and mailto URLs, normalized', () => {
  assert.equal(safeUrl('https://example.com'), 'https://example.com/');
  assert.equal(safeUrl('HTTP://Example.COM/a?b=1#c'), 'http://example.com/a?b=1#c');
  assert.equal(safeUrl('mailto:me@example.com'), 'mailto:me@example.com');
  assert.equal(safeUrl('https://例え.jp/'), 'https://xn--r8jz45g.jp/');
  assert.equal(safeUrl('https://a.example/"><script>'), 'https://a.example/%22%3E%3Cscript%3E');
});

test('safeUrl refuses every other scheme and every whitespace or encoding trick', () => {
  const refused = ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)',
    ' javascript:alert(1)', '\u0001javascript:alert(1)', '&#106;avascript:alert(1)', 'javascript&colon;alert(1)',
    'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'VBSCRIPT:msgbox(1)', 'file:///etc/passwd',
    'ftp://example.com', '//evil.example', '/relative', 'relative', '', 'https://', 'mailto:',
    'http://user:pw@host.example',
    'https://a.example/\n', 'https:\\\\evil.example', 'https://a.example/\u200b', 'https://a.example/ b',
    'https://a.example/\u2028', 'https://a.example/' + 'a'.repeat(3000), null, 42, { href: 'https://a.example' }];
  for (const url of refused) assert.equal(safeUrl(url), null, JSON.stringify(url));
});

const ALLOWED_TYPES = new Set(['p', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'pre', 'code', 'em',
  'strong', 'del', 'a', 'br', 'hr', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);

// Fails unless every node is a string or an allowed element whose props are exactly the permitted ones.
function assertSafeTree(node, where) {
  if (typeof node === 'string') return;
  assert.equal(typeof node, 'object', where);
  assert.deepEqual(Object.keys(node).sort(), ['children', 'props', 'type'], where);
  assert.ok(ALLOWED_TYPES.has(node.type), `${where}: element ${node.type}`);
  if (node.type === 'a') {
    const { href, rel, target, ...rest } = node.props;
    assert.deepEqual(rest, {}, where);
    assert.equal(rel, 'nofollow noopener noreferrer ugc', where);
    assert.equal(target, '_blank', where);
    assert.equal(safeUrl(href), href, `${where}: href ${href}`);
    assert.match(href, /^(?:https?:\/\/|mailto:)/, where);
  } else if (node.type === 'div') {
    assert.deepEqual(node.props, { class: 'md-table' }, where); // the one wrapper: a table's
  } else if ((node.type === 'th' || node.type === 'td') && node.props !== null) {
    assert.deepEqual(Object.keys(node.props), ['align'], where);
    assert.ok(['left', 'center', 'right'].includes(node.props.align), where);
  } else if (node.type === 'ol' && node.props !== null) {
    assert.deepEqual(Object.keys(node.props), ['start'], where);
    assert.ok(Number.isInteger(node.props.start), where);
  } else {
    assert.equal(node.props, null, `${where}: props on ${node.type}`);
  }
  for (const child of node.children) assertSafeTree(child, where);
}

const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href=javascript:alert(1)>x</a>',
  '<style>body{display:none}</style><math><mtext><mglyph><img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](java\nscript:alert(1))',
  '[x](java&#09;script:alert(1))',
  '[x](java&#x0A;script:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](&#x6A;&#x61;vascript:alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x](<javascript:alert(1)>)',
  '[x]( javascript:alert(1) )',
  '[x](\u0001javascript:alert(1))',
  '[x](jav\u0000ascript:alert(1))',
  '[x](javascript\u200b:alert(1))',
  '[x](javascript://%0aalert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](DATA:text/html,<script>alert(1)</script>)',
  '[x](vbscript:msgbox(1))',
  '[x](VbScRiPt:msgbox(1))',
  '[x](//evil.example/a)',
  '[x](file:///etc/passwd)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml,<svg onload=alert(1)>)',
  '<javascript:alert(1)>',
  '<JAVASCRIPT:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '<https://a.example/"onmouseover=alert(1)>',
  '[x](https://a.example/"onmouseover="alert(1))',
  '[x](https://a.example/" onmouseover="alert(1))',
  '[x](https://a.example "title\\" onclick=alert(1)")',
  "[x](https://a.example 'a' onclick='alert(1)')",
  '[x](https://a.example/\\"><script>alert(1)</script>)',
  'https://"onmouseover=alert(1)//',
  'http://a.example/<script>alert(1)</script>',
  '[<img src=x onerror=alert(1)>](https://a.example)',
  '**<img src=x onerror=alert(1)>** `<script>`',
  '```\n</code></pre><script>alert(1)</script>\n```',
  '[x]: javascript:alert(1)\n\n[x]',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '[x](http://user:pass@evil.example)',
  '[a](https://a.example)[b](javascript:alert(1)) <mailto:x@y.z?body=<script>>',
  '\u202ehttps://evil.example [x](https://a.example/\u202e)',
];

for (const payload of XSS_PAYLOADS) {
  test(`xss: ${JSON.stringify(payload).slice(0, 70)}`, () => {
    const where = JSON.stringify(payload);
    renderMarkdown(payload, h).forEach((node) => assertSafeTree(node, where));
    assert.doesNotMatch(html(payload), /<(?!\/?(?:p|h[3-6]|blockquote|ul|ol|li|pre|code|em|strong|del|a|br|hr)[ >])/);
    assert.doesNotMatch(html(payload), /href="(?!https?:|mailto:)/i);
  });
}

test('xss: the corpus is at least 30 payloads and unsafe links render as their text', () => {
  assert.ok(XSS_PAYLOADS.length >= 30);
  assert.equal(html('[x](javascript:alert(1))'), '<p>x</p>');
  assert.equal(html('<javascript:alert(1)>'), '<p>&lt;javascript:alert(1)&gt;</p>');
  assert.equal(html('[x](//evil.example)'), '<p>x</p>');
});

const PATHOLOGICAL = {
  'stars': '*'.repeat(40000),
  'open brackets': '['.repeat(40000),
  'quote markers': '>'.repeat(40000),
  'quote markers with spaces': '> '.repeat(20000),
  'nested ordered lists': '1. '.repeat(13400),
  'nested bullets by indent': Array.from({ length: 2000 }, (_, i) => ' '.repeat(2 * (i % 40)) + '- x').join('\n'),
  'nested emphasis': '*a '.repeat(6600) + ' a*'.repeat(6600),
  'deep strong': '*'.repeat(19999) + 'a' + '*'.repeat(19999),
  'alternating stars': 'a*'.repeat(20000),
  'mixed delimiters': '*_~~`['.repeat(6600),
  'underscores': '_a '.repeat(13300),
  'strikethrough openers': '~~a'.repeat(13300),
  'unclosed link tails': '[](a'.repeat(10000),
  'empty link tails': '[]('.repeat(13300),
  'brackets then links': '['.repeat(20000) + '[a](http://b.c)'.repeat(1300),
  'bracket pairs': '[a'.repeat(13300) + ']'.repeat(13300),
  'image openers': '!['.repeat(20000),
  'backtick runs': '`a``'.repeat(10000),
  'angle schemes': '<a:'.repeat(13300),
  'bare URL starts': '(http://'.repeat(5000),
  'backslashes': '\\'.repeat(40000),
  'entity starts': '&#'.repeat(20000),
  'spaces before text': ' '.repeat(39990) + 'x\ny',
  'heading hashes': '# ' + ' '.repeat(20000) + '#'.repeat(19000) + 'x',
  'many short lines': '- a\n> b\n'.repeat(5000),
  'many inline nodes': '`a` '.repeat(5000) + 'a\\\n'.repeat(6600),
  // Added with markdown-it: more nesting, input past maxLength, chains of links and references.
  '100k stars': '*'.repeat(100000),
  '100k mixed delimiters': '*_~['.repeat(25000),
  'quotes, bullets and numbers nested': '> - 1. '.repeat(5700),
  'bullets indented further each line': Array.from({ length: 280 }, (_, i) => ' '.repeat(i) + '- x').join('\n'),
  'tabs between markers': '\t>\t-\t'.repeat(6600),
  'long link chain': '[a](http://b.c)'.repeat(2700),
  'long reference chain': '[a]: http://x.y\n'.repeat(1000) + '[a]'.repeat(8000),
  'reference definition starts': '[a]: <'.repeat(6600),
  'nested link labels': '[a'.repeat(10000) + '](http://x.y)'.repeat(1500),
  'nested images': '!['.repeat(6000) + '](u)'.repeat(6000),
  'image destinations nested': '![a](http://b.c/'.repeat(2500) + ')'.repeat(2500),
  'bare URLs': 'http://a.b/ '.repeat(3300),
  'bare URL with deep parentheses': 'http://a.b/' + '('.repeat(20000) + ')'.repeat(19980),
  'bare URLs each with an unclosed parenthesis': 'http://a.b/('.repeat(3300),
  'bare URLs each with an unclosed bracket': '(http://a.b/['.repeat(3000),
  'unclosed image destinations holding URLs': '![a](http://b.c/'.repeat(2500),
  'autolinks': '<http://a.b>'.repeat(3300),
  'one long entity name': '&' + 'a'.repeat(39999),
  'long tilde runs': '~~~~~a'.repeat(6600),
  'table with many columns': `${'|a'.repeat(6600)}|\n${'|-'.repeat(6600)}|\n${'|b'.repeat(6600)}|`,
  'table with many short rows': `|a|b|\n|-|-|\n${'|x|\n'.repeat(9000)}`,
  'table delimiter rows only': '|-|-|\n'.repeat(6600),
};

// Elements nested inside each other: 16 containers (up to two elements each), a block, 16 inlines.
const depthOf = (node) => (typeof node === 'string' ? 0 : 1 + Math.max(0, ...node.children.map(depthOf)));

// What must hold is that no hostile input costs far more than ordinary text of the same
// length. A bound in milliseconds measures the machine's load as much as the parser (it
// failed on 2 busy cores), so the two are compared in the same run, each the fastest of
// three after a warm-up: a super-linear path on these 40-100 KB inputs costs thousands of
// times more than linear text, while the slowest inputs here measured 10-30x (on a quiet
// machine ordinary 40 KB renders in 5-10 ms, so 100x is about the old 1 s bound there).
const ORDINARY_WORDS = ['lorem', 'ipsum *dolor*', 'sit', 'amet,', '[link](https://a.example/)', '`code`', '\n\n- item\n', '> quote\n'];
const ordinaryText = (length) => {
  let text = '';
  for (let i = 0; text.length < length; i += 1) text += ORDINARY_WORDS[i % ORDINARY_WORDS.length] + ' ';
  return text.slice(0, length);
};
const fastestRender = (input) => {
  let fastest = Infinity;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    renderMarkdown(input, h);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
};
const ordinaryCost = new Map();
fastestRender(ordinaryText(40000)); // warm-up: the first render compiles the parser

for (const [name, input] of Object.entries(PATHOLOGICAL)) {
  test(`hostile input costs no more than ordinary text of its length: ${name}`, (t) => {
    if (!ordinaryCost.has(input.length)) ordinaryCost.set(input.length, fastestRender(ordinaryText(input.length)));
    const ordinary = ordinaryCost.get(input.length);
    const hostile = fastestRender(input);
    t.diagnostic(`${name}: ${hostile.toFixed(1)} ms, ordinary text ${ordinary.toFixed(1)} ms`);
    assert.ok(hostile < 100 * ordinary + 20, `${name} took ${hostile.toFixed(0)} ms; ordinary text of its length ${ordinary.toFixed(1)} ms`);
    const nodes = renderMarkdown(input, h);
    nodes.forEach((node) => assertSafeTree(node, name));
    assert.ok(Math.max(0, ...nodes.map(depthOf)) <= 2 * 16 + 1 + 16, `${name}: nesting`);
  });
}

// Examples from the CommonMark 0.31.2 spec and the GFM spec (strikethrough, autolink literals),
// by section, with the spec's expected HTML written out by hand. Rendering differences that are
// ours on purpose: headings shift down two levels, links carry rel/target and a URL normalized by
// safeUrl (the spec's relative URLs are made absolute here), code blocks end without "\n",
// images become links, raw HTML is text, and only http(s) URLs become bare links.
const a = (href, text) => `<a href="${href}" rel="nofollow noopener noreferrer ugc" target="_blank">${text}</a>`;
const SPEC_EXAMPLES = [
  // Tabs
  ['\tfoo\tbaz\t\tbim', '<pre><code>foo\tbaz\t\tbim</code></pre>'],
  ['- foo\n\n\tbar', '<ul><li><p>foo</p><p>bar</p></li></ul>'],
  ['>\t\tfoo', '<blockquote><pre><code>  foo</code></pre></blockquote>'],
  // Backslash escapes
  ['\\*not emphasized*\n\\[not a link](https://x.example/foo)\n\\`not code`\n\\# not a heading',
    '<p>*not emphasized*\n[not a link](' + a('https://x.example/foo', 'https://x.example/foo') + ')\n`not code`\n# not a heading</p>'],
  ['\\\\*emphasis*', '<p>\\<em>emphasis</em></p>'],
  ['foo\\\nbar', '<p>foo<br>bar</p>'],
  ['`` \\[\\` ``', '<p><code>\\[\\`</code></p>'],
  ['[foo](https://x.example/bar\\* "ti\\*tle")', `<p>${a('https://x.example/bar*', 'foo')}</p>`],
  // Entity and numeric character references
  ['&nbsp; &amp; &copy; &AElig; &Dcaron;\n&frac34; &HilbertSpace; &ClockwiseContourIntegral; &ngE;',
    '<p>\u00a0 &amp; \u00a9 \u00c6 \u010e\n\u00be \u210b \u2232 \u2267\u0338</p>'],
  ['&#35; &#1234; &#992; &#0;', '<p># \u04d2 \u03e0 \ufffd</p>'],
  ['&#X22; &#XD06; &#xcab;', '<p>&quot; \u0d06 \u0cab</p>'],
  ['&nbsp &x; &#; &#x;\n&#87654321;\n&#abcdef0;\n&ThisIsNotDefined; &hi?;',
    '<p>&amp;nbsp &amp;x; &amp;#; &amp;#x;\n&amp;#87654321;\n&amp;#abcdef0;\n&amp;ThisIsNotDefined; &amp;hi?;</p>'],
  ['[foo](https://x.example/f&ouml;&ouml; "f&ouml;&ouml;")', `<p>${a('https://x.example/f%C3%B6%C3%B6', 'foo')}</p>`],
  ['`f&ouml;&ouml;`', '<p><code>f&amp;ouml;&amp;ouml;</code></p>'],
  ['&#42;foo&#42;\n*foo*', '<p>*foo*\n<em>foo</em></p>'],
  // Thematic breaks
  ['***\n---\n___', '<hr><hr><hr>'],
  ['+++', '<p>+++</p>'],
  ['--\n**\n__', '<p>--\n**\n__</p>'],
  [' ***\n  ***\n   ***', '<hr><hr><hr>'],
  [' - - -', '<hr>'],
  ['_ _ _ _ a\n\na------\n\n---a---', '<p>_ _ _ _ a</p><p>a------</p><p>---a---</p>'],
  ['- foo\n***\n- bar', '<ul><li>foo</li></ul><hr><ul><li>bar</li></ul>'],
  ['Foo\n***\nbar', '<p>Foo</p><hr><p>bar</p>'],
  ['Foo\n---\nbar', '<h4>Foo</h4><p>bar</p>'],
  ['* Foo\n* * *\n* Bar', '<ul><li>Foo</li></ul><hr><ul><li>Bar</li></ul>'],
  // ATX headings
  ['# foo\n## foo\n### foo\n#### foo\n##### foo\n###### foo',
    '<h3>foo</h3><h4>foo</h4><h5>foo</h5><h6>foo</h6><h6>foo</h6><h6>foo</h6>'],
  ['####### foo', '<p>####### foo</p>'],
  ['#5 bolt\n\n#hashtag', '<p>#5 bolt</p><p>#hashtag</p>'],
  ['\\## foo', '<p>## foo</p>'],
  ['# foo *bar* \\*baz\\*', '<h3>foo <em>bar</em> *baz*</h3>'],
  ['### foo ###     ', '<h5>foo</h5>'],
  ['### foo ### b', '<h5>foo ### b</h5>'],
  ['# foo#', '<h3>foo#</h3>'],
  ['### foo \\###\n## foo #\\##\n# foo \\#', '<h5>foo ###</h5><h4>foo ###</h4><h3>foo #</h3>'],
  ['## \n#\n### ###', '<h4></h4><h3></h3><h5></h5>'],
  ['Foo bar\n# baz\nBar foo', '<p>Foo bar</p><h3>baz</h3><p>Bar foo</p>'],
  // Setext headings
  ['Foo *bar*\n=========\n\nFoo *bar*\n---------', '<h3>Foo <em>bar</em></h3><h4>Foo <em>bar</em></h4>'],
  ['Foo *bar\nbaz*\n====', '<h3>Foo <em>bar\nbaz</em></h3>'],
  ['Foo\n= =\n\nFoo\n--- -', '<p>Foo\n= =</p><p>Foo</p><hr>'],
  ['> Foo\n---', '<blockquote><p>Foo</p></blockquote><hr>'],
  ['- Foo\n---', '<ul><li>Foo</li></ul><hr>'],
  ['\\> foo\n------', '<h4>&gt; foo</h4>'],
  // Indented code blocks
  ['    a simple\n      indented code block', '<pre><code>a simple\n  indented code block</code></pre>'],
  ['  - foo\n\n    bar', '<ul><li><p>foo</p><p>bar</p></li></ul>'],
  ['    <a/>\n    *hi*\n\n    - one', '<pre><code>&lt;a/&gt;\n*hi*\n\n- one</code></pre>'],
  ['Foo\n    bar', '<p>Foo\nbar</p>'],
  ['    foo\nbar', '<pre><code>foo</code></pre><p>bar</p>'],
  // Fenced code blocks
  ['```\n<\n >\n```', '<pre><code>&lt;\n &gt;</code></pre>'],
  ['``\nfoo\n``', '<p><code>foo</code></p>'],
  ['```\naaa\n~~~\n```', '<pre><code>aaa\n~~~</code></pre>'],
  ['````\naaa\n```\n``````', '<pre><code>aaa\n```</code></pre>'],
  ['> ```\n> aaa\n\nbbb', '<blockquote><pre><code>aaa</code></pre></blockquote><p>bbb</p>'],
  [' ```\n aaa\naaa\n```', '<pre><code>aaa\naaa</code></pre>'],
  ['   ```\n   aaa\n    aaa\n  aaa\n   ```', '<pre><code>aaa\n aaa\naaa</code></pre>'],
  ['```ruby\ndef foo(x)\n  return 3\nend\n```', '<pre><code>def foo(x)\n  return 3\nend</code></pre>'],
  ['``` aa ```\nfoo', '<p><code>aa</code>\nfoo</p>'],
  ['foo\n```\nbar\n```\nbaz', '<p>foo</p><pre><code>bar</code></pre><p>baz</p>'],
  // HTML blocks and raw HTML: parsing them is off, so they are text and Markdown inside works
  ['<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>',
    '<p>&lt;table&gt;&lt;tr&gt;&lt;td&gt;\n&lt;pre&gt;\n<strong>Hello</strong>,</p>' +
    '<p><em>world</em>.\n&lt;/pre&gt;\n&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</p>'],
  ['<a href="foo">\n*bar*\n</a>', '<p>&lt;a href=&quot;foo&quot;&gt;\n<em>bar</em>\n&lt;/a&gt;</p>'],
  ['foo <!-- this is a --\ncomment - with hyphens -->', '<p>foo &lt;!-- this is a --\ncomment - with hyphens --&gt;</p>'],
  // Link reference definitions
  ['[foo]: https://x.example/url "title"\n\n[foo]', `<p>${a('https://x.example/url', 'foo')}</p>`],
  ['   [foo]: \n      https://x.example/url  \n           \'the title\'  \n\n[foo]', `<p>${a('https://x.example/url', 'foo')}</p>`],
  ['[Foo bar]:\n<https://x.example/my%20url>\n\'title\'\n\n[Foo bar]', `<p>${a('https://x.example/my%20url', 'Foo bar')}</p>`],
  ['[FOO]: https://x.example/url\n\n[Foo]', `<p>${a('https://x.example/url', 'Foo')}</p>`],
  ['[foo]: https://x.example/url\n\n[bar]', '<p>[bar]</p>'],
  ['[foo]: https://x.example/first\n[foo]: https://x.example/second\n\n[foo]', `<p>${a('https://x.example/first', 'foo')}</p>`],
  ['[foo]\n\n> [foo]: https://x.example/url', `<p>${a('https://x.example/url', 'foo')}</p><blockquote></blockquote>`],
  // Paragraphs and blank lines
  ['aaa\n\nbbb', '<p>aaa</p><p>bbb</p>'],
  ['  aaa\n bbb', '<p>aaa\nbbb</p>'],
  ['aaa\n             bbb\n                                       ccc', '<p>aaa\nbbb\nccc</p>'],
  ['aaa     \nbbb     ', '<p>aaa<br>bbb</p>'],
  ['  \n\naaa\n  \n\n# aaa\n\n  ', '<p>aaa</p><h3>aaa</h3>'],
  // Block quotes
  ['> # Foo\n> bar\n> baz', '<blockquote><h3>Foo</h3><p>bar\nbaz</p></blockquote>'],
  ['># Foo\n>bar\n> baz', '<blockquote><h3>Foo</h3><p>bar\nbaz</p></blockquote>'],
  ['> bar\nbaz\n> foo', '<blockquote><p>bar\nbaz\nfoo</p></blockquote>'],
  ['> - foo\n- bar', '<blockquote><ul><li>foo</li></ul></blockquote><ul><li>bar</li></ul>'],
  ['>     foo\n    bar', '<blockquote><pre><code>foo</code></pre></blockquote><pre><code>bar</code></pre>'],
  ['> ```\nfoo\n```', '<blockquote><pre><code></code></pre></blockquote><p>foo</p><pre><code></code></pre>'],
  ['>', '<blockquote></blockquote>'],
  ['> foo\n\n> bar', '<blockquote><p>foo</p></blockquote><blockquote><p>bar</p></blockquote>'],
  ['> bar\n>\nbaz', '<blockquote><p>bar</p></blockquote><p>baz</p>'],
  ['> > > foo\nbar', '<blockquote><blockquote><blockquote><p>foo\nbar</p></blockquote></blockquote></blockquote>'],
  // List items
  ['1.  A paragraph\n    with two lines.\n\n        indented code\n\n    > A block quote.',
    '<ol><li><p>A paragraph\nwith two lines.</p><pre><code>indented code</code></pre>' +
    '<blockquote><p>A block quote.</p></blockquote></li></ol>'],
  ['- one\n\n two', '<ul><li>one</li></ul><p>two</p>'],
  ['- one\n\n  two', '<ul><li><p>one</p><p>two</p></li></ul>'],
  [' -    one\n\n      two', '<ul><li><p>one</p><p>two</p></li></ul>'],
  ['-one\n\n2.two', '<p>-one</p><p>2.two</p>'],
  ['123456789. ok', '<ol start="123456789"><li>ok</li></ol>'],
  ['1234567890. not ok', '<p>1234567890. not ok</p>'],
  ['0. ok', '<ol start="0"><li>ok</li></ol>'],
  ['003. ok', '<ol start="3"><li>ok</li></ol>'],
  ['-1. not ok', '<p>-1. not ok</p>'],
  ['- foo\n\n      bar', '<ul><li><p>foo</p><pre><code>bar</code></pre></li></ul>'],
  ['-\n  foo\n-\n  ```\n  bar\n  ```\n-\n      baz',
    '<ul><li>foo</li><li><pre><code>bar</code></pre></li><li><pre><code>baz</code></pre></li></ul>'],
  ['-\n\n  foo', '<ul><li></li></ul><p>foo</p>'],
  ['- foo\n-\n- bar', '<ul><li>foo</li><li></li><li>bar</li></ul>'],
  ['foo\n*\n\nfoo\n1.', '<p>foo\n*</p><p>foo\n1.</p>'],
  ['- foo\n  - bar\n    - baz\n      - boo', '<ul><li>foo<ul><li>bar<ul><li>baz<ul><li>boo</li></ul></li></ul></li></ul></li></ul>'],
  ['- - foo', '<ul><li><ul><li>foo</li></ul></li></ul>'],
  ['- # Foo\n- Bar\n  ---\n  baz', '<ul><li><h3>Foo</h3></li><li><h4>Bar</h4>baz</li></ul>'],
  // Lists
  ['- foo\n- bar\n+ baz', '<ul><li>foo</li><li>bar</li></ul><ul><li>baz</li></ul>'],
  ['1. foo\n2. bar\n3) baz', '<ol><li>foo</li><li>bar</li></ol><ol start="3"><li>baz</li></ol>'],
  ['Foo\n- bar\n- baz', '<p>Foo</p><ul><li>bar</li><li>baz</li></ul>'],
  ['The number of windows in my house is\n14.  The number of doors is 6.',
    '<p>The number of windows in my house is\n14.  The number of doors is 6.</p>'],
  ['- a\n- b\n\n- c', '<ul><li><p>a</p></li><li><p>b</p></li><li><p>c</p></li></ul>'],
  ['* a\n*\n\n* c', '<ul><li><p>a</p></li><li></li><li><p>c</p></li></ul>'],
  ['- a\n  - b\n\n    c\n- d', '<ul><li>a<ul><li><p>b</p><p>c</p></li></ul></li><li>d</li></ul>'],
  ['- a\n  > b\n  ```\n  c\n  ```\n- d', '<ul><li>a<blockquote><p>b</p></blockquote><pre><code>c</code></pre></li><li>d</li></ul>'],
  ['1. ```\n   foo\n   ```\n\n   bar', '<ol><li><pre><code>foo</code></pre><p>bar</p></li></ol>'],
  // Code spans
  ['`foo`', '<p><code>foo</code></p>'],
  ['`` foo ` bar ``', '<p><code>foo ` bar</code></p>'],
  ['` `` `', '<p><code>``</code></p>'],
  ['`  ``  `', '<p><code> `` </code></p>'],
  ['` a`', '<p><code> a</code></p>'],
  ['` `\n`  `', '<p><code> </code>\n<code>  </code></p>'],
  ['``\nfoo\nbar  \nbaz\n``', '<p><code>foo bar   baz</code></p>'],
  ['`foo\\`bar`', '<p><code>foo\\</code>bar`</p>'],
  ['*foo`*`', '<p>*foo<code>*</code></p>'],
  ['`<https://foo.bar.`baz>`', '<p><code>&lt;https://foo.bar.</code>baz&gt;`</p>'],
  ['```foo``', '<p>```foo``</p>'],
  // Emphasis and strong emphasis
  ['*foo bar*', '<p><em>foo bar</em></p>'],
  ['a * foo bar*', '<p>a * foo bar*</p>'],
  ['a*"foo"*', '<p>a*&quot;foo&quot;*</p>'],
  ['foo*bar*', '<p>foo<em>bar</em></p>'],
  ['_foo bar_', '<p><em>foo bar</em></p>'],
  ['foo_bar_', '<p>foo_bar_</p>'],
  ['пристаням_стремятся_', '<p>пристаням_стремятся_</p>'],
  ['_foo_bar_baz_', '<p><em>foo_bar_baz</em></p>'],
  ['*(*foo*)*', '<p><em>(<em>foo</em>)</em></p>'],
  ['**foo bar**', '<p><strong>foo bar</strong></p>'],
  ['foo**bar**', '<p>foo<strong>bar</strong></p>'],
  ['__foo, __bar__, baz__', '<p><strong>foo, <strong>bar</strong>, baz</strong></p>'],
  ['*foo**bar**baz*', '<p><em>foo<strong>bar</strong>baz</em></p>'],
  ['***foo** bar*', '<p><em><strong>foo</strong> bar</em></p>'],
  ['foo***bar***baz', '<p>foo<em><strong>bar</strong></em>baz</p>'],
  ['foo******bar*********baz', '<p>foo<strong><strong><strong>bar</strong></strong></strong>***baz</p>'],
  ['**foo*', '<p>*<em>foo</em></p>'],
  ['*foo****', '<p><em>foo</em>***</p>'],
  ['*foo _bar* baz_', '<p><em>foo _bar</em> baz_</p>'],
  ['**a<https://foo.bar/?q=**>', `<p>**a${a('https://foo.bar/?q=**', 'https://foo.bar/?q=**')}</p>`],
  ['*[bar*](https://x.example/url)', `<p>*${a('https://x.example/url', 'bar*')}</p>`],
  ['*foo [bar](https://x.example/url)*', `<p><em>foo ${a('https://x.example/url', 'bar')}</em></p>`],
  // Links
  ['[link](https://x.example/uri "title")', `<p>${a('https://x.example/uri', 'link')}</p>`],
  ['[link](https://x.example/uri)\n[link]()\n[link](<>)', `<p>${a('https://x.example/uri', 'link')}\nlink\nlink</p>`],
  ['[link](https://x.example/my uri)', '<p>[link](' + a('https://x.example/my', 'https://x.example/my') + ' uri)</p>'],
  ['[a](<b)c>)', '<p>a</p>'],
  ['[link](https://x.example/\\(foo\\))', `<p>${a('https://x.example/(foo)', 'link')}</p>`],
  ['[link](https://x.example/foo(and(bar)))', `<p>${a('https://x.example/foo(and(bar))', 'link')}</p>`],
  ['[link](https://x.example/foo\\)\\:)', `<p>${a('https://x.example/foo):', 'link')}</p>`],
  ['[link](https://x.example/foo\\bar)', '<p>link</p>'],
  ['[link](https://x.example/#fragment)', `<p>${a('https://x.example/#fragment', 'link')}</p>`],
  ['[link](   https://x.example/uri\n  "title"  )', `<p>${a('https://x.example/uri', 'link')}</p>`],
  ['[link [foo [bar]]](https://x.example/uri)', `<p>${a('https://x.example/uri', 'link [foo [bar]]')}</p>`],
  ['[link] bar](https://x.example/uri)', '<p>[link] bar](' + a('https://x.example/uri', 'https://x.example/uri') + ')</p>'],
  ['[link \\[bar](https://x.example/uri)', `<p>${a('https://x.example/uri', 'link [bar')}</p>`],
  ['[link *foo **bar** `#`*](https://x.example/uri)',
    `<p>${a('https://x.example/uri', 'link <em>foo <strong>bar</strong> <code>#</code></em>')}</p>`],
  ['[![moon](https://x.example/moon.jpg)](https://x.example/uri)', `<p>${a('https://x.example/uri', 'moon')}</p>`],
  ['[foo [bar](https://x.example/uri)](https://x.example/uri)',
    '<p>[foo ' + a('https://x.example/uri', 'bar') + '](' + a('https://x.example/uri', 'https://x.example/uri') + ')</p>'],
  ['[foo *bar](https://x.example/uri)*', `<p>${a('https://x.example/uri', 'foo *bar')}*</p>`],
  ['[foo`](https://x.example/uri)`', '<p>[foo<code>](https://x.example/uri)</code></p>'],
  ['[foo<https://x.example/?search=](uri)>',
    `<p>[foo${a('https://x.example/?search=](uri)', 'https://x.example/?search=](uri)')}</p>`],
  ['[foo][bar]\n\n[bar]: https://x.example/url "title"', `<p>${a('https://x.example/url', 'foo')}</p>`],
  ['[foo] \n[]\n\n[foo]: https://x.example/url "title"', `<p>${a('https://x.example/url', 'foo')}\n[]</p>`],
  // Images (links to the image, labelled with the alt text)
  ['![foo](https://x.example/url "title")', `<p>${a('https://x.example/url', 'foo')}</p>`],
  ['![foo *bar*][]\n\n[foo *bar*]: https://x.example/train.jpg', `<p>${a('https://x.example/train.jpg', 'foo bar')}</p>`],
  ['![foo ![bar](https://x.example/b)](https://x.example/c)', `<p>${a('https://x.example/c', 'foo bar')}</p>`],
  ['\\![foo]\n\n[foo]: https://x.example/url', `<p>!${a('https://x.example/url', 'foo')}</p>`],
  // Autolinks
  ['<http://foo.bar.baz>', `<p>${a('http://foo.bar.baz/', 'http://foo.bar.baz')}</p>`],
  ['<https://foo.bar.baz/test?q=hello&id=22&boolean>',
    `<p>${a('https://foo.bar.baz/test?q=hello&amp;id=22&amp;boolean', 'https://foo.bar.baz/test?q=hello&amp;id=22&amp;boolean')}</p>`],
  ['<MAILTO:FOO@BAR.BAZ>', '<p>' + a('mailto:FOO@BAR.BAZ', 'MAILTO:FOO@BAR.BAZ') + '</p>'],
  ['<foo@bar.example.com>', `<p>${a('mailto:foo@bar.example.com', 'foo@bar.example.com')}</p>`],
  ['<>', '<p>&lt;&gt;</p>'],
  ['<m:abc>', '<p>&lt;m:abc&gt;</p>'],
  ['<foo.bar.baz>', '<p>&lt;foo.bar.baz&gt;</p>'],
  ['foo@bar.example.com', '<p>foo@bar.example.com</p>'],
  // Hard and soft line breaks
  ['foo  \nbaz', '<p>foo<br>baz</p>'],
  ['foo       \nbar', '<p>foo<br>bar</p>'],
  ['foo  \n     bar', '<p>foo<br>bar</p>'],
  ['*foo  \nbar*', '<p><em>foo<br>bar</em></p>'],
  ['`code  \nspan`', '<p><code>code   span</code></p>'],
  ['foo\\', '<p>foo\\</p>'],
  ['### foo\\', '<h5>foo\\</h5>'],
  ['foo \n baz', '<p>foo\nbaz</p>'],
  // Textual content
  ['hello $.;\'there', '<p>hello $.;&#39;there</p>'],
  ['Foo χρῆν', '<p>Foo χρῆν</p>'],
  // GFM strikethrough (two tildes; three or more are text)
  ['~~Hi~~ Hello, ~~there~~ world!', '<p><del>Hi</del> Hello, <del>there</del> world!</p>'],
  ['This ~~has a\n\nnew paragraph~~.', '<p>This ~~has a</p><p>new paragraph~~.</p>'],
  ['This will ~~~not~~~ strike.', '<p>This will ~~~not~~~ strike.</p>'],
  // GFM autolink literals, for http:// and https:// (no "www.", no bare e-mail addresses)
  ['Visit https://www.commonmark.org/help for more information.',
    `<p>Visit ${a('https://www.commonmark.org/help', 'https://www.commonmark.org/help')} for more information.</p>`],
  ['Visit https://www.commonmark.org.\n\nVisit https://www.commonmark.org/a.b.',
    `<p>Visit ${a('https://www.commonmark.org/', 'https://www.commonmark.org')}.</p>` +
    `<p>Visit ${a('https://www.commonmark.org/a.b', 'https://www.commonmark.org/a.b')}.</p>`],
  ['https://www.google.com/search?q=Markup+(business)\n\nhttps://www.google.com/search?q=Markup+(business)))',
    `<p>${a('https://www.google.com/search?q=Markup+(business)', 'https://www.google.com/search?q=Markup+(business)')}</p>` +
    `<p>${a('https://www.google.com/search?q=Markup+(business)', 'https://www.google.com/search?q=Markup+(business)')}))</p>`],
  ['(https://www.google.com/search?q=Markup+(business))',
    `<p>(${a('https://www.google.com/search?q=Markup+(business)', 'https://www.google.com/search?q=Markup+(business)')})</p>`],
  ['www.commonmark.org and foo@bar.baz stay text', '<p>www.commonmark.org and foo@bar.baz stay text</p>'],
];

test('CommonMark and GFM spec examples render as the specs say (with the differences listed above)', () => {
  const failures = SPEC_EXAMPLES.filter(([m, e]) => html(m) !== e).map(([m, e]) => JSON.stringify(m) + '\n got  ' + html(m) + '\n want ' + e);
  assert.deepEqual(failures, []);
  assert.ok(SPEC_EXAMPLES.length >= 150);
});

// Random documents from Markdown's special pieces (a fixed seed, so a failure reproduces): none
// may throw, render anything outside the allow-list, or nest past the caps.
test('random documents built from Markdown syntax render safely', () => {
  const PIECES = ['*', '**', '_', '~~', '~', '`', '``', '[', ']', '(', ')', '![', '<', '>', '> ', '- ', '1. ', '# ',
    '\n', '\n\n', '    ', '\t', '\\', '&amp;', '&#106;', '&', 'a', 'b c', 'http://', 'https://x.example/p', 'www.',
    'javascript:alert(1)', 'JaVaScRiPt:', 'data:text/html,', '//evil.example', '"', "'", '<script>', '</b>', ':',
    '[x]: ', '---', '```', '~~~', '|', '@', 'mailto:', 'x@y.z', '\u202e', '\u0000', '\u00a0', ' '];
  let seed = 0x2545f491;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0; // mulberry32
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let doc = 0; doc < 3000; doc++) {
    const parts = [];
    for (let n = Math.floor(random() * 60); n > 0; n--) parts.push(PIECES[Math.floor(random() * PIECES.length)]);
    const input = parts.join('');
    const nodes = renderMarkdown(input, h);
    nodes.forEach((node) => assertSafeTree(node, JSON.stringify(input)));
    assert.ok(Math.max(0, ...nodes.map(depthOf)) <= 2 * 16 + 1 + 16, JSON.stringify(input));
  }
});

test('web/build.mjs bundles the app with the renderer in it', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'datt-web-build-'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'web', 'build.mjs'), '--out', out], { stdio: 'pipe' });
    // The name of the renderer's one markdown-it rule survives minification.
    assert.match(readFileSync(path.join(out, 'app.js'), 'utf8'), /long_tilde_run/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('bundled for the app\'s browsers, the renderer gives the same AST in Chromium as in Node', { timeout: 60000 },
  async () => {
    // The esbuild options of web/build.mjs that matter here: browser targets, entity decoder alias.
    const result = await build({
      entryPoints: [path.join(ROOT, 'web', 'src', 'lib', 'markdown.js')], bundle: true, format: 'esm', write: false,
      target: ['chrome100', 'firefox100', 'safari15'], minify: true, legalComments: 'none',
      alias: { entities: 'entities/lib/decode.js' }, logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    // Nothing in the bundle hands a string to the HTML parser or evaluates one.
    assert.doesNotMatch(code, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    const inputs = [...SPEC_EXAMPLES.map(([markdown]) => markdown), ...XSS_PAYLOADS];
    const expected = inputs.map((input) => JSON.stringify(parseMarkdown(input)));
    const bundled = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    const hostile = Object.values(PATHOLOGICAL);
    assert.deepEqual([...inputs, ...hostile].map((input) => JSON.stringify(bundled.parseMarkdown(input))),
      [...expected, ...hostile.map((input) => JSON.stringify(parseMarkdown(input)))]);
    const { launchProfile } = await import('../e2e/support.mjs'); // Playwright loads only for this test
    const browser = await launchProfile();
    try {
      const page = await browser.page();
      const inChromium = await page.evaluate(async ({ source, documents }) => {
        const module = await import(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
        return documents.map((input) => JSON.stringify(module.parseMarkdown(input)));
      }, { source: code, documents: inputs });
      assert.equal(inChromium.length, expected.length);
      inChromium.forEach((ast, i) => assert.equal(ast, expected[i], JSON.stringify(inputs[i]).slice(0, 80)));
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });
