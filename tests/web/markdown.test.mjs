// The Markdown renderer for posts: each construct's AST and HTML, an XSS corpus, and hostile-input
// timing. Expected values are written by hand from the CommonMark/GFM specs, not taken from output.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { h as preactH } from 'preact';

import { parseMarkdown, renderMarkdown, safeUrl } from '../../web/src/lib/markdown.js';

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

test('reference links are not supported and stay text', () => {
  parses('[a][b]\n\n[b]: /url', [P(T('[a][b]')), P(T('[b]: /url'))]);
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
  'strong', 'del', 'a', 'br', 'hr']);

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
};

for (const [name, input] of Object.entries(PATHOLOGICAL)) {
  test(`hostile input finishes quickly: ${name}`, () => {
    const started = performance.now();
    const nodes = renderMarkdown(input, h);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `${name} took ${elapsed.toFixed(0)} ms`);
    nodes.forEach((node) => assertSafeTree(node, name));
  });
}
