// Markdown for user posts and comments: CommonMark parsed by markdown-it, plus GFM
// strikethrough and bare http(s) links, rendered as Preact elements without HTML strings.
//
// Why it is safe: markdown-it only tokenizes (its HTML renderer is never used, and raw HTML
// parsing is off, so "<b>" is plain text). parseMarkdown turns the tokens into a plain-object AST
// that can only hold the node types below; renderMarkdown maps each type to one fixed element
// with fixed props. Text reaches the DOM only as strings (Preact escapes them), and the one
// attribute taken from the input is a link href that passed safeUrl(): markdown-it's own link
// checks are switched off so that safeUrl is the only gate. Images become links (no remote loads).
// Why it is bounded: input is truncated, quote/list and emphasis/link nesting are capped, the
// tokens become the AST without recursion, and markdown-it (with the bare-link check below) stays
// linear on hostile input (tests/web/markdown.test.mjs times 48 such inputs).
//
// Blocks: paragraph, heading {level 1-6} (ATX and setext), blockquote, list {ordered, start, tight},
// list_item, code_block {value} (fenced or indented; info string ignored), thematic_break,
// table (GFM) > table_head | table_body > table_row > table_cell {header, align: left|center|right|null}.
// Inlines: text {value}, emphasis, strong, strikethrough, code_span {value}, link {href, children}
// (inline and reference links, <autolinks>, bare http(s) URLs, images), hard_break. Soft line
// breaks stay "\n" in text.

import LinkifyIt from 'linkify-it';
import MarkdownIt from 'markdown-it';

const MAX_BLOCK_DEPTH = 16; // nested quotes/lists; deeper markers stay literal text
const MAX_INLINE_DEPTH = 16; // nested emphasis/links; deeper ones are flattened to text
// markdown-it's own guard drops whatever lies deeper than this many open tokens; the caps above
// are reached first (a list costs two levels: list and item), so it never drops content.
const MARKDOWN_IT_MAX_NESTING = 2 * MAX_BLOCK_DEPTH + 8;
const MAX_URL_LENGTH = 2048;
const LINK_REL = 'nofollow noopener noreferrer ugc';
// Posts sit under the page's own h1/h2, so Markdown heading levels shift down by two.
const HEADING_TAGS = ['h3', 'h4', 'h5', 'h6', 'h6', 'h6'];
const INLINE_TAGS = new Map([['emphasis', 'em'], ['strong', 'strong'], ['strikethrough', 'del']]);
const INLINE_TYPES = new Map([['em_open', 'emphasis'], ['strong_open', 'strong'], ['s_open', 'strikethrough'],
  ['link_open', 'link']]);

const TABLE_ALIGN = new Set(['left', 'center', 'right']);

const SAFE_SCHEME = /^(?:https?|mailto):/i;
// Controls, invisible format characters, any whitespace and backslashes: browsers and the URL
// parser drop or reinterpret them ("java\tscript:", "http:\\evil"), so a URL holding one is refused.
const UNSAFE_URL_CHAR = /[\p{Cc}\p{Cf}\p{Z}\s\\]/u;

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

const markdown = createParser();

/** Parses Markdown into the block AST described at the top of this file. */
export function parseMarkdown(text, { maxLength = 40000 } = {}) {
  let source = typeof text === 'string' ? text : '';
  if (source.length > maxLength) {
    source = source.slice(0, Math.max(0, maxLength));
    if (/[\uD800-\uDBFF]$/.test(source)) source = source.slice(0, -1); // no half characters
  }
  // markdown-it itself turns "\r\n" and "\r" into "\n" and NUL into U+FFFD.
  return toBlocks(markdown.parse(source, {}));
}

/** Renders Markdown as children built with the hyperscript function h (Preact's h). */
export function renderMarkdown(text, h, options) {
  return renderBlocks(parseMarkdown(text, options), h, false);
}

// ---------------------------------------------------------------------------------------------
// The parser: markdown-it's CommonMark preset, configured rather than extended.

function createParser() {
  const parser = new MarkdownIt('commonmark', { html: false, linkify: true, maxNesting: MARKDOWN_IT_MAX_NESTING });
  parser.enable(['strikethrough', 'linkify', 'table']);
  parser.disable(['html_block', 'html_inline']); // "<tag>" is text (html: false says the same)
  parser.linkify = createLinkify();
  // Bare links come from the inline linkify rule: a scheme that starts a word, then "://", near
  // GFM's rule. The core rule rescans all text with linkify-it's wider boundaries ("---http://")
  // and doubled the parse time; it is off.
  parser.core.ruler.disable('linkify');
  // safeUrl is the only gate for URLs: markdown-it keeps every destination as written (after
  // CommonMark's unescaping), and link text stays as typed (no punycode decoding for display,
  // which would let "xn--" look-alike hosts show as Unicode).
  parser.validateLink = () => true;
  parser.normalizeLink = (url) => url;
  parser.normalizeLinkText = (text) => text;
  // GFM: a run of three or more tildes is never strikethrough; markdown-it would pair two of them.
  parser.inline.ruler.before('strikethrough', 'long_tilde_run', (state, silent) => {
    if (state.src.charCodeAt(state.pos) !== 0x7e /* ~ */) return false;
    let end = state.pos;
    while (state.src.charCodeAt(end) === 0x7e) end++;
    if (end - state.pos < 3) return false;
    if (!silent) state.pending += state.src.slice(state.pos, end);
    state.pos = end;
    return true;
  });
  capContainerDepth(parser);
  return parser;
}

// Bare links: only "http://" and "https://" with their scheme written out (no "www.", no bare
// e-mail addresses, no "ftp:", "//" or "mailto:" schemes). Built in one go: each linkify.set() or
// .add() on markdown-it's own instance recompiles linkify-it's large patterns (~15 ms at page load).
function createLinkify() {
  // linkify-it's own check of an "http:" URL scans as far as an unclosed "(" or "[" reaches, so
  // text with thousands of them took seconds. The same pattern (linkify-it's documented parts)
  // applied to at most MAX_URL_LENGTH + 1 characters keeps it linear; safeUrl refuses longer URLs.
  const http = {
    validate(text, pos, self) {
      self.re.dattHttp ??= new RegExp(`^\\/\\/${self.re.src_auth}${self.re.src_host_port_strict}${self.re.src_path}`, 'i');
      const match = self.re.dattHttp.exec(text.slice(pos, pos + MAX_URL_LENGTH + 1));
      return match ? match[0].length : 0;
    },
  };
  return new LinkifyIt({ 'http:': http, 'https:': 'http:', 'ftp:': null, '//': null, 'mailto:': null },
    { fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
}

// Quote and list rules refuse to open a container MAX_BLOCK_DEPTH deep, so its line falls through
// to the paragraph rule and its markers stay text. markdown-it has no public getter for a rule's
// function, hence __rules__ (pinned version; the nesting test fails if this stops working).
function capContainerDepth(parser) {
  for (const name of ['blockquote', 'list']) {
    const rule = parser.block.ruler.__rules__.find((r) => r.name === name);
    const inner = rule.fn;
    const capped = (state, startLine, endLine, silent) => {
      const depth = state.env.dattContainerDepth ?? 0;
      if (depth >= MAX_BLOCK_DEPTH) return false;
      state.env.dattContainerDepth = depth + 1;
      try {
        return inner(state, startLine, endLine, silent);
      } finally {
        state.env.dattContainerDepth = depth;
      }
    };
    parser.block.ruler.at(name, capped, { alt: [...rule.alt] });
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens to AST. markdown-it's block tokens are a flat list with open/close pairs; each paragraph
// and heading holds one "inline" token whose children are the inline tokens. Both levels are
// rebuilt with explicit stacks (no recursion), and token types outside the list below are dropped.

function toBlocks(tokens) {
  const root = { children: [] };
  const stack = [root];
  for (const token of tokens) {
    const top = stack[stack.length - 1];
    if (token.nesting === -1) {
      stack.pop();
      continue;
    }
    let node = null;
    switch (token.type) {
      case 'paragraph_open':
        node = { type: 'paragraph', children: [] };
        // markdown-it hides the paragraphs of tight lists (list > item > paragraph).
        if (top.type === 'list_item' && !token.hidden) stack[stack.length - 2].tight = false;
        break;
      case 'heading_open':
        node = { type: 'heading', level: Number(token.tag.slice(1)), children: [] };
        break;
      case 'blockquote_open':
        node = { type: 'blockquote', children: [] };
        break;
      case 'bullet_list_open':
        node = { type: 'list', ordered: false, start: null, tight: true, children: [] };
        break;
      case 'ordered_list_open':
        node = { type: 'list', ordered: true, start: Number(token.attrGet('start') ?? 1), tight: true, children: [] };
        break;
      case 'list_item_open':
        node = { type: 'list_item', children: [] };
        break;
      case 'inline':
        top.children = toInlines(token.children);
        break;
      case 'code_block':
      case 'fence':
        top.children.push({ type: 'code_block', value: token.content.replace(/\n$/, '') });
        break;
      case 'hr':
        top.children.push({ type: 'thematic_break' });
        break;
      case 'table_open':
        node = { type: 'table', children: [] };
        break;
      case 'thead_open':
        node = { type: 'table_head', children: [] };
        break;
      case 'tbody_open':
        node = { type: 'table_body', children: [] };
        break;
      case 'tr_open':
        node = { type: 'table_row', children: [] };
        break;
      case 'th_open':
      case 'td_open':
        node = { type: 'table_cell', header: token.type === 'th_open', align: cellAlign(token), children: [] };
        break;
      default:
        break; // nothing else is enabled; an unknown token renders nothing
    }
    if (token.nesting === 1) {
      // An unknown container still gets a frame so the stack stays balanced; it is not attached.
      const frame = node ?? { children: [] };
      if (node) top.children.push(node);
      stack.push(frame);
    }
  }
  return root.children;
}

// markdown-it writes a GFM column's alignment as style="text-align:X": only the three values pass.
function cellAlign(token) {
  const match = /^text-align:(left|center|right)$/.exec(token.attrGet('style') ?? '');
  return match ? match[1] : null;
}

// Inline frames: `node` receives the children; `depth` counts the inline elements around them;
// `flat` frames (past the depth cap, or a link inside a link) add their content to the enclosing
// node as text instead of making an element.
function toInlines(tokens) {
  const root = { children: [] };
  const frames = [{ node: root, depth: 0, inLink: false }];
  for (const token of tokens) {
    const frame = frames[frames.length - 1];
    const into = frame.node.children;
    switch (token.type) {
      case 'text':
        appendText(into, token.content);
        break;
      case 'softbreak':
        appendText(into, '\n');
        break;
      case 'hardbreak':
        into.push({ type: 'hard_break' });
        break;
      case 'code_inline':
        into.push({ type: 'code_span', value: token.content });
        break;
      case 'image':
        appendImage(into, token, frame.inLink);
        break;
      case 'em_open':
      case 'strong_open':
      case 's_open':
      case 'link_open': {
        const type = INLINE_TYPES.get(token.type);
        const isLink = type === 'link';
        if (frame.depth >= MAX_INLINE_DEPTH || (isLink && frame.inLink)) {
          const marker = isLink ? '' : token.markup;
          appendText(into, marker);
          frames.push({ node: frame.node, depth: frame.depth, inLink: frame.inLink, flat: true, marker });
          break;
        }
        const node = { type, children: [] };
        if (!isLink) into.push(node);
        frames.push({ node, depth: frame.depth + 1, inLink: frame.inLink || isLink, token });
        break;
      }
      case 'em_close':
      case 'strong_close':
      case 's_close':
      case 'link_close': {
        const closed = frames.pop();
        const parent = frames[frames.length - 1].node.children;
        if (closed.flat) appendText(parent, closed.marker);
        else if (closed.node.type === 'link') appendLink(parent, closed.token, closed.node.children);
        break;
      }
      default:
        break; // nothing else is enabled
    }
  }
  return root.children;
}

// A link with a safe URL becomes a link node; an unsafe one leaves its text in place (an unsafe
// <autolink> keeps its angle brackets, as typed). Empty link text would make an invisible link,
// so the URL stands in for it.
function appendLink(into, token, children) {
  const href = safeUrl(token.attrGet('href'));
  if (href) {
    into.push({ type: 'link', href, children: children.length > 0 ? children : [{ type: 'text', value: href }] });
    return;
  }
  const autolink = token.markup === 'autolink';
  if (autolink) appendText(into, '<');
  for (const child of children) {
    if (child.type === 'text') appendText(into, child.value);
    else into.push(child);
  }
  if (autolink) appendText(into, '>');
}

// An image becomes a link to the image, labelled with its alt text (no remote load); inside a
// link, or with an unsafe URL, it is just its alt text.
function appendImage(into, token, inLink) {
  const alt = plainText(token.children ?? []);
  const href = inLink ? null : safeUrl(token.attrGet('src'));
  if (href) into.push({ type: 'link', href, children: [{ type: 'text', value: alt || href }] });
  else appendText(into, alt);
}

function appendText(into, value) {
  if (!value) return;
  const last = into[into.length - 1];
  if (last && last.type === 'text') last.value += value;
  else into.push({ type: 'text', value });
}

// The text of inline tokens, as CommonMark renders an image's alt attribute (images may nest).
function plainText(tokens) {
  let out = '';
  const pending = [tokens];
  const positions = [0];
  while (pending.length > 0) {
    const top = pending.length - 1;
    const token = pending[top][positions[top]++];
    if (token === undefined) {
      pending.pop();
      positions.pop();
    } else if (token.type === 'text' || token.type === 'code_inline') {
      out += token.content;
    } else if (token.type === 'softbreak' || token.type === 'hardbreak') {
      out += '\n';
    } else if (token.type === 'image' && token.children) {
      pending.push(token.children);
      positions.push(0);
    }
  }
  return out;
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
    case 'table':
      // Wide tables scroll inside the post instead of widening the page.
      return h('div', { class: 'md-table' }, h('table', null, ...block.children.map((part) => renderBlock(part, h))));
    case 'table_head':
    case 'table_body':
      return h(block.type === 'table_head' ? 'thead' : 'tbody', null, ...block.children.map((row) => renderBlock(row, h)));
    case 'table_row':
      return h('tr', null, ...block.children.map((cell) => renderBlock(cell, h)));
    case 'table_cell':
      return h(block.header ? 'th' : 'td', TABLE_ALIGN.has(block.align) ? { align: block.align } : null,
        ...renderInlines(block.children, h));
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
