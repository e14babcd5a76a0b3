/**
 * A tiny, strict XML 1.0 well-formedness checker for tests: one root element, matched tags, quoted and
 * unique attributes, only the five predefined entities and character references, no `<` or stray `&` in
 * text or attribute values, and every character (literal or referenced) one XML 1.0 allows. It throws
 * on the first problem and returns the element tree with text and attribute values decoded. No DTDs,
 * CDATA or comments (the reporters write none).
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (its character data, children's excluded), decoded. */
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9._:]*/y;
const SPACE = /[ \t\r\n]*/y;

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function checkChars(s: string, where: string): void {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (!isXmlChar(cp) || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`character U+${cp.toString(16)} not allowed in XML 1.0 (${where})`);
  }
}

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`'<' in ${where}`);
  return raw.replace(/&([^;]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new Error(`unterminated reference '${whole}' in ${where}`);
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (body in named) return named[body]!;
    const m = /^#(?:([0-9]+)|x([0-9A-Fa-f]+))$/.exec(body);
    if (!m) throw new Error(`unknown entity '&${body};' in ${where}`);
    const cp = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2]!, 16);
    if (!isXmlChar(cp)) throw new Error(`character reference to U+${cp.toString(16)} not allowed (${where})`);
    return String.fromCodePoint(cp);
  });
}

export function parseXml(xml: string): XmlElement {
  checkChars(xml, 'document');
  let i = 0;
  const at = (re: RegExp): string | null => {
    re.lastIndex = i;
    const m = re.exec(xml);
    if (!m) return null;
    i = re.lastIndex;
    return m[0];
  };
  const space = (): void => void at(SPACE);

  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  space();
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  while (i < xml.length) {
    if (xml[i] === '<') {
      if (xml.startsWith('</', i)) {
        i += 2;
        const name = at(NAME);
        space();
        if (!name || xml[i] !== '>') throw new Error(`bad end tag at ${i}`);
        i++;
        const open = stack.pop();
        if (!open || open.name !== name) throw new Error(`end tag </${name}> does not match <${open?.name ?? '(none)'}>`);
        if (stack.length === 0) break;
        continue;
      }
      if (xml.startsWith('<!', i) || xml.startsWith('<?', i)) throw new Error(`unsupported markup at ${i}`);
      i++;
      const name = at(NAME);
      if (!name) throw new Error(`bad start tag at ${i}`);
      const el: XmlElement = { name, attrs: {}, children: [], text: '' };
      for (;;) {
        const before = i;
        space();
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        if (i === before) throw new Error(`attributes of <${name}> must be separated by space (at ${i})`);
        const an = at(NAME);
        if (!an) throw new Error(`bad attribute in <${name}> at ${i}`);
        space();
        if (xml[i] !== '=') throw new Error(`attribute ${an} of <${name}> has no value`);
        i++;
        space();
        const q = xml[i];
        if (q !== '"' && q !== "'") throw new Error(`attribute ${an} of <${name}> is not quoted`);
        const end = xml.indexOf(q, i + 1);
        if (end < 0) throw new Error(`unterminated attribute ${an}`);
        if (an in el.attrs) throw new Error(`duplicate attribute ${an} in <${name}>`);
        el.attrs[an] = decode(xml.slice(i + 1, end), `attribute ${an} of <${name}>`);
        i = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new Error('more than one root element');
      else root = el;
      if (xml.startsWith('/>', i)) {
        i += 2;
        if (stack.length === 0) break;
      } else {
        i++;
        stack.push(el);
      }
    } else {
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      if (raw.includes(']]>')) throw new Error("']]>' in text");
      const top = stack[stack.length - 1];
      if (!top) throw new Error('text outside the root element');
      top.text += decode(raw, `text of <${top.name}>`);
      i += raw.length;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  if (xml.slice(i).trim() !== '') throw new Error('content after the root element');
  return root;
}

/** Every element under (and including) `el` with this name, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = el.name === name ? [el] : [];
  for (const c of el.children) out.push(...findAll(c, name));
  return out;
}
