// Turns a file into Osprey documents: plain text, Markdown, HTML (text without markup) and JSON
// (an object, or an array of objects, with title / body or text fields). Plain JS with no Node
// imports: the CLI and the static page example (web/examples/static/) both use it.
export const INDEXED_EXTENSIONS = new Set(['.txt', '.md', '.markdown', '.html', '.htm', '.json']);

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function htmlToDocument(html) {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ?? '';
  const body = html
    .replace(/<(script|style|template|head)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  const clean = (s) => decodeEntities(s.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  return { title: clean(title), body: clean(body) };
}

function markdownToDocument(text) {
  const heading = /^#{1,6}\s+(.+)$/m.exec(text);
  return { title: heading ? heading[1].trim() : '', body: text };
}

function jsonDocuments(path, text) {
  const value = JSON.parse(text);
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    const id = Array.isArray(value) ? `${path}#${item?.id ?? i}` : path;
    if (item === null || typeof item !== 'object') return { id, body: String(item) };
    const { title, body, text: itemText, id: _id, ...metadata } = item;
    const main = body ?? itemText;
    return {
      id,
      title: typeof title === 'string' ? title : '',
      body: typeof main === 'string' ? main : JSON.stringify(main ?? metadata),
      metadata: { path, ...Object.fromEntries(Object.entries(metadata).filter(([, v]) => typeof v !== 'object' || v === null)) },
    };
  });
}

/** @returns {{id: string, title: string, body: string, metadata: object}[]} */
export function documentsFromFile(path, text) {
  const lower = path.toLowerCase();
  const name = path.split('/').pop();
  if (lower.endsWith('.json')) {
    try {
      return jsonDocuments(path, text);
    } catch {
      return [{ id: path, title: name, body: text, metadata: { path } }];
    }
  }
  const { title, body } = lower.endsWith('.html') || lower.endsWith('.htm') ? htmlToDocument(text)
    : lower.endsWith('.md') || lower.endsWith('.markdown') ? markdownToDocument(text)
      : { title: '', body: text };
  return [{ id: path, title: title || name, body, metadata: { path } }];
}
