// Markdown for user posts and comments: a small CommonMark subset, rendered without HTML strings.
//
// Why it is safe: parseMarkdown builds a plain-object AST that can only hold the node types below;
// renderMarkdown maps each type to one fixed element with fixed props. Text reaches the DOM only as
// strings (Preact escapes them), raw HTML in the input stays literal text, and the one attribute
// taken from the input is a link href that passed safeUrl(). Images become links (no remote loads).
// Why it is bounded: input is truncated, quote/list and emphasis/link nesting are capped, and every
// scan is linear or has a length cap, so hostile input costs milliseconds, not seconds or the stack.
//
// Blocks: paragraph, heading {level 1-6} (ATX and setext), blockquote, list {ordered, start, tight},
// list_item, code_block {value} (fenced or indented; info string ignored), thematic_break.
// Inlines: text {value}, emphasis, strong, strikethrough, code_span {value}, link {href, children}
// (inline links, <autolinks>, bare http(s) URLs, images), hard_break. Soft line breaks stay "\n".

const MAX_BLOCK_DEPTH = 16; // nested quotes/lists; deeper markers stay literal text
const MAX_INLINE_DEPTH = 16; // nested emphasis/links; deeper ones are flattened to text
const MAX_LINK_TAIL = 2048; // a "(url title)" longer than this is no link: bounds the scan per "]"
const MAX_URL_LENGTH = 2048;
const LINK_REL = 'nofollow noopener noreferrer ugc';
// Posts sit under the page's own h1/h2, so Markdown heading levels shift down by two.
const HEADING_TAGS = ['h3', 'h4', 'h5', 'h6', 'h6', 'h6'];
const INLINE_TAGS = new Map([['emphasis', 'em'], ['strong', 'strong'], ['strikethrough', 'del']]);

const SAFE_SCHEME = /^(?:https?|mailto):/i;
// Controls, invisible format characters, any whitespace and backslashes: browsers and the URL
// parser drop or reinterpret them ("java\tscript:", "http:\\evil"), so a URL holding one is refused.
const UNSAFE_URL_CHAR = /[\p{Cc}\p{Cf}\p{Z}\s\\]/u;
const ESCAPABLE = /^[!-/:-@[-`{-~]$/; // ASCII punctuation, the only characters "\" escapes
const PUNCTUATION = /[\p{P}\p{S}]/u;
const WHITESPACE = /\s/u;
const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}));/y;
const ESCAPE_OR_ENTITY =
  /\\([!-/:-@[-`{-~])|&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g;
const NAMED_ENTITIES = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'],
  ['apos', "'"], ['nbsp', '\u00a0'], ['copy', '\u00a9'], ['hellip', '\u2026'],
  ['ndash', '\u2013'], ['mdash', '\u2014']]);
// Each class below stops at "<", ">" or whitespace, so scans from successive "<" never overlap.
const URI_AUTOLINK = /<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/y;
const EMAIL_AUTOLINK = /<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*)>/y;
// Bare URLs also stop at brackets and backticks, so "[see http://a.b](http://c.d)" still closes.
const BARE_URL = /https?:\/\/[^\s<>[\]`]*/iy;
const INLINE_SPECIAL = /[\\`*_~[\]!<&\nhH]/g;

/** Returns the normalized URL if it is an absolute http:, https: or mailto: URL, else null. */
export function safeUrl(url) {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null;
  // Checking the raw scheme first also refuses relative, protocol-relative and entity-encoded
  // URLs, which never start with a letter-only scheme from the allow-list.
  if (UNSAFE_URL_CHAR.test(url) || !SAFE_SCHEME.test(url)) return null;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'mailto:') return parsed.pathname ? parsed.href : null;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  // "https://bank.example@evil.example" shows one host and opens another: refuse credentials.
  if (!parsed.hostname || parsed.username || parsed.password) return null;
  return parsed.href;
}

/** Parses Markdown into the block AST described at the top of this file. */
export function parseMarkdown(text, { maxLength = 40000 } = {}) {
  let source = typeof text === 'string' ? text : '';
  if (source.length > maxLength) {
    source = source.slice(0, Math.max(0, maxLength));
    if (/[\uD800-\uDBFF]$/.test(source)) source = source.slice(0, -1); // no half characters
  }
  source = source.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
  return parseBlocks(source.split('\n'), 0);
}

/** Renders Markdown as children built with the hyperscript function h (Preact's h). */
export function renderMarkdown(text, h, options) {
  return renderBlocks(parseMarkdown(text, options), h, false);
}

// ---------------------------------------------------------------------------------------------
// Blocks: line-based. Each container strips its markers and parses its lines again, one level
// deeper; `shape.blankBetween` reports a blank line between two blocks (it makes a list loose).

function parseBlocks(rawLines, depth, shape = {}) {
  const lines = rawLines.map((line) => expandLeadingTabs(line, 0));
  const blocks = [];
  let sawBlank = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      sawBlank = blocks.length > 0;
      i++;
      continue;
    }
    if (sawBlank) shape.blankBetween = true;
    sawBlank = false;
    let fence, heading, marker;
    if ((fence = fenceOpen(line))) {
      i = parseFencedCode(lines, i, fence, blocks);
    } else if (indentOf(line) >= 4) {
      i = parseIndentedCode(lines, i, blocks);
    } else if (isThematicBreak(line)) {
      blocks.push({ type: 'thematic_break' });
      i++;
    } else if ((heading = atxHeading(line))) {
      blocks.push(makeHeading(heading.level, heading.content));
      i++;
    } else if (depth < MAX_BLOCK_DEPTH && /^ {0,3}>/.test(line)) {
      i = parseQuote(lines, i, depth, blocks);
    } else if (depth < MAX_BLOCK_DEPTH && (marker = listMarker(line))) {
      i = parseList(lines, i, depth, marker, blocks);
    } else {
      i = parseParagraph(lines, i, depth, blocks);
    }
  }
  return blocks;
}

function parseParagraph(lines, start, depth, blocks) {
  const parts = [stripLeading(lines[start])];
  let i = start + 1;
  for (; i < lines.length && !isBlank(lines[i]); i++) {
    const underline = /^ {0,3}(=+|-+)[ \t]*$/.exec(lines[i]);
    if (underline) {
      blocks.push(makeHeading(underline[1][0] === '=' ? 1 : 2, parts.join('\n')));
      return i + 1;
    }
    if (interruptsParagraph(lines[i], depth)) break;
    parts.push(stripLeading(lines[i]));
  }
  blocks.push({ type: 'paragraph', children: parseInlines(parts.join('\n').trimEnd()) });
  return i;
}

function parseFencedCode(lines, start, fence, blocks) {
  const body = [];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const close = /^ {0,3}(`+|~+)[ \t]*$/.exec(lines[i]);
    if (close && close[1][0] === fence.char && close[1].length >= fence.length) break;
    body.push(stripSpaces(lines[i], fence.indent));
  }
  blocks.push({ type: 'code_block', value: body.join('\n') });
  return Math.min(i + 1, lines.length); // an unclosed fence runs to the end of its container
}

function parseIndentedCode(lines, start, blocks) {
  const body = [];
  let i = start;
  for (; i < lines.length && (isBlank(lines[i]) || indentOf(lines[i]) >= 4); i++) {
    body.push(stripSpaces(lines[i], 4));
  }
  // Trailing blank lines are left to the caller: they separate blocks, they are not code.
  while (isBlank(body[body.length - 1])) body.pop(), i--;
  blocks.push({ type: 'code_block', value: body.join('\n') });
  return i;
}

function parseQuote(lines, start, depth, blocks) {
  const inner = [];
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i];
    const marker = /^ {0,3}>/.exec(line);
    if (marker) {
      const rest = line.slice(marker[0].length);
      inner.push(rest[0] === ' ' ? rest.slice(1) : rest[0] === '\t' ? '  ' + rest.slice(1) : rest);
      continue;
    }
    // Laziness: an unmarked line that cannot open a block continues the quoted paragraph.
    if (isBlank(line) || isBlank(inner[inner.length - 1]) || opensBlock(line, depth)) break;
    inner.push(line);
  }
  blocks.push({ type: 'blockquote', children: parseBlocks(inner, depth + 1) });
  return i;
}

function parseList(lines, start, depth, first, blocks) {
  const list = { type: 'list', ordered: first.ordered, start: first.ordered ? first.start : null,
    tight: true, children: [] };
  let i = start;
  for (let marker = first; marker;) {
    const body = [marker.firstLine];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (isBlank(line)) {
        if (marker.empty && body.length === 1) break; // at most one leading blank line
        body.push('');
      } else if (indentOf(line) >= marker.indent) {
        body.push(line.slice(marker.indent));
      } else if (isBlank(body[body.length - 1]) || opensBlock(line, depth)) {
        break;
      } else {
        body.push(line); // lazy paragraph continuation
      }
    }
    let trailingBlanks = 0;
    while (body.length > 1 && isBlank(body[body.length - 1])) body.pop(), trailingBlanks++;
    const shape = {};
    list.children.push({ type: 'list_item', children: parseBlocks(body, depth + 1, shape) });
    if (shape.blankBetween) list.tight = false;
    const next = i < lines.length && !isThematicBreak(lines[i]) ? listMarker(lines[i]) : null;
    marker = next && next.ordered === first.ordered && next.bullet === first.bullet ? next : null;
    if (marker && trailingBlanks > 0) list.tight = false;
    if (!marker) i -= trailingBlanks; // blank lines after the list belong to the parent
  }
  blocks.push(list);
  return i;
}

function makeHeading(level, content) {
  return { type: 'heading', level, children: parseInlines(content.trim()) };
}

function fenceOpen(line) {
  const m = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m || (m[2][0] === '`' && m[3].includes('`'))) return null;
  return { indent: m[1].length, char: m[2][0], length: m[2].length };
}

function isThematicBreak(line) {
  if (indentOf(line) > 3) return false;
  let mark = '';
  let count = 0;
  for (const ch of line) {
    if (ch === ' ' || ch === '\t') continue;
    if ((ch !== '-' && ch !== '*' && ch !== '_') || (mark && ch !== mark)) return false;
    mark = ch;
    count++;
  }
  return count >= 3;
}

function atxHeading(line) {
  const m = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line);
  if (!m) return null;
  // Drop an optional closing run of "#"; done by hand because a regex for it can backtrack.
  const content = line.slice(m[0].length).trim();
  let end = content.length;
  while (end > 0 && content[end - 1] === '#') end--;
  const closed = end === 0 || content[end - 1] === ' ' || content[end - 1] === '\t';
  return { level: m[1].length, content: closed ? content.slice(0, end) : content };
}

function listMarker(line) {
  const m = /^ {0,3}(?:([-+*])|(\d{1,9})([.)]))/.exec(line);
  if (!m) return null;
  const rest = expandLeadingTabs(line.slice(m[0].length), m[0].length);
  if (rest !== '' && rest[0] !== ' ') return null;
  const spaces = indentOf(rest);
  const empty = spaces === rest.length;
  const padding = empty || spaces > 4 ? 1 : spaces; // 5+ spaces: the item starts with code
  return { ordered: !m[1], bullet: m[1] || m[3], start: m[2] ? Number(m[2]) : 1,
    indent: m[0].length + padding, firstLine: empty ? '' : rest.slice(padding), empty };
}

// A line that opens a block other than a paragraph; such a line ends lazy continuation.
function opensBlock(line, depth) {
  return fenceOpen(line) !== null || isThematicBreak(line) || atxHeading(line) !== null ||
    (depth < MAX_BLOCK_DEPTH && (/^ {0,3}>/.test(line) || listMarker(line) !== null));
}

// Only a non-empty list item starting at 1 interrupts a paragraph, so "2019. What a year" wraps.
function interruptsParagraph(line, depth) {
  if (!opensBlock(line, depth)) return false;
  const marker = listMarker(line);
  return !marker || isThematicBreak(line) || (!marker.empty && marker.start === 1);
}

function expandLeadingTabs(line, column) {
  let i = 0;
  let width = column;
  for (; line[i] === ' ' || line[i] === '\t'; i++) width = line[i] === '\t' ? width + 4 - (width % 4) : width + 1;
  return line.slice(0, i).includes('\t') ? ' '.repeat(width - column) + line.slice(i) : line;
}

function indentOf(line) {
  let n = 0;
  while (line[n] === ' ') n++;
  return n;
}

const isBlank = (line) => /^[ \t]*$/.test(line);
const stripLeading = (line) => line.replace(/^[ \t]+/, '');
const stripSpaces = (line, max) => line.slice(Math.min(max, indentOf(line)));

// ---------------------------------------------------------------------------------------------
// Inlines: one left-to-right scan into a linked list of items, then CommonMark's delimiter
// algorithm for emphasis and brackets. Linked lists make each wrap O(wrapped items), not O(n).

function parseInlines(src) {
  const head = { ast: null, depth: 0, prev: null, next: null };
  let tail = head;
  const delimBase = { seq: -1, prev: null, next: null };
  let delimTail = delimBase;
  const brackets = [];
  let inactiveBelow = 0; // brackets below this index may not become links (no links in links)
  let text = '';
  const runs = backtickRuns(src);

  const append = (ast, depth = 0) => {
    const item = { ast, depth, prev: tail, next: null };
    tail.next = item;
    tail = item;
    return item;
  };
  const flush = () => {
    if (text) append({ type: 'text', value: text });
    text = '';
  };
  const unlinkItem = (item) => {
    item.prev.next = item.next;
    if (item.next) item.next.prev = item.prev;
    else tail = item.prev;
  };
  const removeDelim = (d) => {
    d.prev.next = d.next;
    if (d.next) d.next.prev = d.prev;
    else delimTail = d.prev;
  };

  function processEmphasis(bottom) {
    const openersBottom = new Map(); // per closer kind: no usable opener at or below this seq
    let closer = bottom.next;
    while (closer) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const key = closer.char + closer.canOpen + (closer.origCount % 3);
      const floor = openersBottom.get(key) ?? bottom.seq;
      let opener = closer.prev;
      while (opener.seq > floor && !canPair(opener, closer)) opener = opener.prev;
      if (opener.seq <= floor) {
        openersBottom.set(key, closer.prev.seq);
        const next = closer.next;
        if (!closer.canOpen) removeDelim(closer);
        closer = next;
        continue;
      }
      const use = closer.char === '~' ? 2 : Math.min(2, opener.count, closer.count);
      const type = closer.char === '~' ? 'strikethrough' : use === 2 ? 'strong' : 'emphasis';
      opener.count -= use;
      closer.count -= use;
      opener.item.ast.value = opener.item.ast.value.slice(use);
      closer.item.ast.value = closer.item.ast.value.slice(use);
      opener.next = closer; // delimiters between them can no longer match
      closer.prev = opener;
      const marker = closer.char.repeat(use);
      wrap(opener.item, closer.item, (nodes) => ({ type, children: nodes }), marker);
      if (opener.count === 0) removeDelim(opener), unlinkItem(opener.item);
      if (closer.count === 0) {
        const next = closer.next;
        removeDelim(closer);
        unlinkItem(closer.item);
        closer = next;
      }
    }
    bottom.next = null;
    delimTail = bottom;
  }

  // Replaces the items strictly between `first` and `last` with one node made by makeNode; past
  // the depth cap the node becomes text instead, so nesting (and later recursion) stays bounded.
  function wrap(first, last, makeNode, marker) {
    const { nodes, depth } = collect(first.next, last);
    const item = depth < MAX_INLINE_DEPTH
      ? { ast: makeNode(nodes), depth: depth + 1 }
      : { ast: { type: 'text', value: marker + plainText(nodes) + marker }, depth: 0 };
    item.prev = first;
    item.next = last;
    first.next = item;
    if (last) last.prev = item;
    else tail = item;
  }

  function closeBracket(pos) {
    const opener = brackets.pop();
    const link = opener && opener.index >= inactiveBelow ? parseLinkTail(src, pos + 1) : null;
    if (!link) {
      text += ']';
      return pos + 1;
    }
    flush();
    processEmphasis(opener.delimBottom);
    const href = safeUrl(link.destination);
    const before = opener.item.prev;
    unlinkItem(opener.item);
    if (href) {
      // An image becomes a link to the image, labelled with its alt text (no remote load).
      // Empty link text would make an invisible link, so the URL stands in for it.
      const makeLink = (nodes) => {
        const children = opener.image ? [{ type: 'text', value: plainText(nodes) }] : withoutLinks(nodes);
        const visible = children.some((n) => n.type !== 'text' || n.value);
        return { type: 'link', href, children: visible ? children : [{ type: 'text', value: href }] };
      };
      wrap(before, null, makeLink, '');
    } // else: an unsafe link renders as its text, already in place
    if (!opener.image) inactiveBelow = brackets.length;
    return link.end;
  }

  let i = 0;
  while (i < src.length) {
    INLINE_SPECIAL.lastIndex = i;
    const found = INLINE_SPECIAL.exec(src);
    const at = found ? found.index : src.length;
    text += src.slice(i, at);
    i = at;
    if (i >= src.length) break;
    const ch = src[i];
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === '\n') {
        flush();
        append({ type: 'hard_break' });
        i += 2;
      } else if (next !== undefined && ESCAPABLE.test(next)) {
        text += next;
        i += 2;
      } else {
        text += ch;
        i++;
      }
    } else if (ch === '\n') {
      let end = text.length;
      while (end > 0 && text[end - 1] === ' ') end--;
      const hard = text.length - end >= 2;
      text = text.slice(0, end);
      if (hard) flush(), append({ type: 'hard_break' });
      else text += '\n';
      i++;
    } else if (ch === '`') {
      const length = runLength(src, i);
      const close = findRun(runs, length, i + length);
      if (close < 0) {
        text += src.slice(i, i + length);
      } else {
        let value = src.slice(i + length, close).replace(/\n/g, ' ');
        if (value.length > 2 && value[0] === ' ' && value[value.length - 1] === ' ' && /[^ ]/.test(value)) {
          value = value.slice(1, -1);
        }
        flush();
        append({ type: 'code_span', value });
      }
      i = close < 0 ? i + length : close + length;
    } else if (ch === '*' || ch === '_' || ch === '~') {
      const length = runLength(src, i);
      const before = i > 0 ? src[i - 1] : ' ';
      const after = i + length < src.length ? src[i + length] : ' ';
      const { left, right } = flanking(before, after);
      const canOpen = ch === '_' ? left && (!right || PUNCTUATION.test(before)) : left;
      const canClose = ch === '_' ? right && (!left || PUNCTUATION.test(after)) : right;
      const run = src.slice(i, i + length);
      if ((ch === '~' && length !== 2) || (!canOpen && !canClose)) {
        text += run;
      } else {
        flush();
        const d = { item: append({ type: 'text', value: run }), char: ch, count: length,
          origCount: length, canOpen, canClose, seq: i, prev: delimTail, next: null };
        delimTail.next = d;
        delimTail = d;
      }
      i += length;
    } else if (ch === '[' || (ch === '!' && src[i + 1] === '[')) {
      flush();
      const image = ch === '!';
      brackets.push({ item: append({ type: 'text', value: image ? '![' : '[' }), image,
        delimBottom: delimTail, index: brackets.length });
      i += image ? 2 : 1;
    } else if (ch === ']') {
      i = closeBracket(i);
    } else if (ch === '<') {
      URI_AUTOLINK.lastIndex = EMAIL_AUTOLINK.lastIndex = i;
      const uri = URI_AUTOLINK.exec(src);
      const email = uri ? null : EMAIL_AUTOLINK.exec(src);
      const href = uri ? safeUrl(uri[1]) : email ? safeUrl('mailto:' + email[1]) : null;
      const whole = (uri || email || ['<'])[0];
      if (href) {
        flush();
        append({ type: 'link', href, children: [{ type: 'text', value: whole.slice(1, -1) }] }, 1);
      } else {
        text += whole; // raw HTML and unsafe autolinks stay literal
      }
      i += whole.length;
    } else if (ch === '&') {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(src);
      const decoded = m && decodeEntity(m[1], m[2], m[3]);
      text += decoded ?? '&';
      i += decoded ? m[0].length : 1;
    } else if (ch === 'h' || ch === 'H') {
      BARE_URL.lastIndex = i;
      const m = i === 0 || /[\s*_~("']/.test(src[i - 1]) ? BARE_URL.exec(src) : null;
      const url = m ? trimUrlTail(m[0]) : ch;
      const href = m ? safeUrl(url) : null;
      if (href) {
        flush();
        append({ type: 'link', href, children: [{ type: 'text', value: url }] }, 1);
      } else {
        text += url; // skipping the whole failed URL keeps this scan linear
      }
      i += url.length;
    } else {
      text += ch; // "!" not followed by "["
      i++;
    }
  }
  flush();
  processEmphasis(delimBase);
  return collect(head.next, null).nodes;
}

// CommonMark's rule of 3 keeps "*foo**bar*" from pairing the wrong runs.
function canPair(opener, closer) {
  if (opener.char !== closer.char || !opener.canOpen) return false;
  if (closer.char === '~' || !(opener.canClose || closer.canOpen)) return true;
  const sum = opener.origCount + closer.origCount;
  return sum % 3 !== 0 || (opener.origCount % 3 === 0 && closer.origCount % 3 === 0);
}

function flanking(before, after) {
  const beforeSpace = WHITESPACE.test(before);
  const afterSpace = WHITESPACE.test(after);
  const beforePunct = PUNCTUATION.test(before);
  const afterPunct = PUNCTUATION.test(after);
  return {
    left: !afterSpace && (!afterPunct || beforeSpace || beforePunct),
    right: !beforeSpace && (!beforePunct || afterSpace || afterPunct),
  };
}

// Item list -> AST nodes with adjacent text merged, plus the deepest nesting among them.
function collect(first, stop) {
  const nodes = [];
  let depth = 0;
  for (let item = first; item && item !== stop; item = item.next) {
    depth = Math.max(depth, item.depth);
    const last = nodes[nodes.length - 1];
    if (item.ast.type !== 'text') nodes.push(item.ast);
    else if (last && last.type === 'text') last.value += item.ast.value;
    else if (item.ast.value) nodes.push({ type: 'text', value: item.ast.value });
  }
  return { nodes, depth };
}

// Link text may hold autolinks found before the brackets closed; an <a> inside an <a> is invalid,
// so inner links give way to their text.
function withoutLinks(nodes) {
  const out = [];
  for (const node of nodes) {
    const replaced = node.type === 'link' ? withoutLinks(node.children)
      : node.children ? [{ ...node, children: withoutLinks(node.children) }] : [node];
    for (const part of replaced) {
      const last = out[out.length - 1];
      const merge = part.type === 'text' && last && last.type === 'text';
      if (merge) out[out.length - 1] = { type: 'text', value: last.value + part.value };
      else out.push(part);
    }
  }
  return out;
}

function plainText(nodes) {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'code_span') out += node.value;
    else if (node.type === 'hard_break') out += '\n';
    else if (node.children) out += plainText(node.children);
  }
  return out;
}

// Maximal backtick runs by length, so finding a code span's closer is one forward step per run.
function backtickRuns(src) {
  const runs = new Map();
  for (let i = src.indexOf('`'); i >= 0; i = src.indexOf('`', i)) {
    const length = runLength(src, i);
    if (!runs.has(length)) runs.set(length, { positions: [], cursor: 0 });
    runs.get(length).positions.push(i);
    i += length;
  }
  return runs;
}

function findRun(runs, length, from) {
  const run = runs.get(length);
  if (!run) return -1;
  while (run.cursor < run.positions.length && run.positions[run.cursor] < from) run.cursor++;
  return run.cursor < run.positions.length ? run.positions[run.cursor] : -1;
}

function runLength(src, start) {
  let end = start;
  while (src[end] === src[start]) end++;
  return end - start;
}

// Parses "(destination "title")" after "]". The title is read only to be skipped: no title prop.
function parseLinkTail(src, start) {
  if (src[start] !== '(') return null;
  const limit = Math.min(src.length, start + MAX_LINK_TAIL);
  const skipSpace = (k) => {
    while (k < limit && (src[k] === ' ' || src[k] === '\t' || src[k] === '\n')) k++;
    return k;
  };
  let i = skipSpace(start + 1);
  let from = i;
  let destination;
  if (src[i] === '<') {
    for (from = ++i; i < limit && !'<>\n'.includes(src[i]); i++) if (src[i] === '\\') i++;
    if (i >= limit || src[i] !== '>') return null;
    destination = src.slice(from, i++);
  } else {
    let parens = 0;
    for (; i < limit && src[i] > ' '; i++) {
      if (src[i] === '\\') i++;
      else if (src[i] === '(' && ++parens > 32) return null;
      else if (src[i] === ')' && parens-- === 0) break;
    }
    if (i >= limit || parens > 0) return null;
    destination = src.slice(from, i);
  }
  const end = skipSpace(i);
  i = end;
  const quote = src[i];
  if (end > from && (quote === '"' || quote === "'" || quote === '(') && src[end - 1] <= ' ') {
    const close = quote === '(' ? ')' : quote;
    for (i++; i < limit && src[i] !== close; i++) if (src[i] === '\\') i++;
    if (i >= limit) return null;
    i = skipSpace(i + 1);
  }
  if (i >= limit || src[i] !== ')') return null;
  return { destination: unescapeText(destination), end: i + 1 };
}

function unescapeText(raw) {
  return raw.replace(ESCAPE_OR_ENTITY,
    (whole, escaped, hex, dec, name) => escaped ?? decodeEntity(hex, dec, name) ?? whole);
}

function decodeEntity(hex, dec, name) {
  if (name !== undefined) return NAMED_ENTITIES.get(name) ?? null;
  const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec, 10);
  const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  return valid ? String.fromCodePoint(code) : '\uFFFD';
}

// GFM: trailing punctuation and unbalanced ")" usually end the sentence, not the URL.
function trimUrlTail(url) {
  let balance = 0;
  for (const ch of url) balance += ch === '(' ? 1 : ch === ')' ? -1 : 0;
  let end = url.length;
  for (; end > 0; end--) {
    const ch = url[end - 1];
    if (ch === ')' && balance < 0) balance++;
    else if (!'?!.,:;*_~\'"'.includes(ch)) break;
  }
  return url.slice(0, end);
}

// ---------------------------------------------------------------------------------------------
// Rendering: a fixed element per node type; the only props are a re-checked href on links and a
// numeric start on ordered lists.

function renderBlocks(blocks, h, tight) {
  const out = [];
  for (const block of blocks) {
    // Tight list items hold their paragraphs' inlines directly, as CommonMark renders them.
    const rendered = tight && block.type === 'paragraph' ? renderInlines(block.children, h) : [renderBlock(block, h)];
    for (const node of rendered) if (node !== null) out.push(node);
  }
  return out;
}

function renderBlock(block, h) {
  switch (block.type) {
    case 'paragraph':
      return h('p', null, ...renderInlines(block.children, h));
    case 'heading':
      return h(HEADING_TAGS[block.level - 1], null, ...renderInlines(block.children, h));
    case 'blockquote':
      return h('blockquote', null, ...renderBlocks(block.children, h, false));
    case 'list': {
      const items = block.children.map((item) => h('li', null, ...renderBlocks(item.children, h, block.tight)));
      if (!block.ordered) return h('ul', null, ...items);
      return h('ol', block.start === 1 ? null : { start: block.start }, ...items);
    }
    case 'code_block':
      return h('pre', null, h('code', null, block.value));
    case 'thematic_break':
      return h('hr', null);
    default:
      return null; // not reachable from parseMarkdown; an unknown type renders nothing
  }
}

function renderInlines(nodes, h) {
  const out = [];
  for (const node of nodes) {
    if (node.type === 'text') out.push(node.value);
    else if (node.type === 'code_span') out.push(h('code', null, node.value));
    else if (node.type === 'hard_break') out.push(h('br', null));
    else if (node.type === 'link') {
      const href = safeUrl(node.href); // checked again: the renderer trusts no AST
      const children = renderInlines(node.children, h);
      if (href) out.push(h('a', { href, rel: LINK_REL, target: '_blank' }, ...children));
      else out.push(...children);
    } else if (INLINE_TAGS.has(node.type)) {
      out.push(h(INLINE_TAGS.get(node.type), null, ...renderInlines(node.children, h)));
    }
  }
  return out;
}
