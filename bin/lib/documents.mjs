// Turns files into documents for collection.addDocuments(): text, Markdown and HTML files go whole,
// with their format, to the core (which parses, cuts into passages and keeps offsets into the file);
// a .json file becomes one JSON record per object, whose fields the core maps (id, title,
// text/body/content, every other field to metadata). Plain JS with no Node imports: the CLI, the
// demo's corpus script and the static page example (web/examples/static/) use it.
export const INDEXED_EXTENSIONS = new Set(['.txt', '.md', '.markdown', '.html', '.htm', '.json']);

const FORMATS = { txt: 'text', md: 'markdown', markdown: 'markdown', html: 'html', htm: 'html', json: 'json' };

/** The ingestion format of a file name: 'text', 'markdown', 'html' or 'json' (unknown: 'text'). */
function formatOf(path) {
  const dot = path.lastIndexOf('.');
  return FORMATS[dot < 0 ? '' : path.slice(dot + 1).toLowerCase()] ?? 'text';
}

// The records of a JSON file, with ids unique across files: "<path>#<record id or position>".
// A single object is the file's one document ("<path>"). Values that are not objects are text.
function jsonDocuments(path, value) {
  const many = Array.isArray(value);
  return (many ? value : [value]).map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { id: many ? `${path}#${i}` : path, format: 'text', text: typeof item === 'string' ? item : JSON.stringify(item),
        metadata: { path } };
    }
    const { id, _id, ...fields } = item;
    const key = [id, _id].find((k) => typeof k === 'string' || typeof k === 'number') ?? i;
    return { id: many ? `${path}#${key}` : path, format: 'json', record: { path, ...fields, id: many ? `${path}#${key}` : path } };
  });
}

/**
 * The documents of one file: [{id, format, text, metadata}] for text, Markdown and HTML (and JSON
 * that does not parse, as text); [{id, format: 'json', record}] for the records of a JSON file.
 * @param {string} path the file's path, '/'-separated: the document id
 */
export function documentsFromFile(path, text) {
  const format = formatOf(path);
  if (format === 'json') {
    try {
      return jsonDocuments(path, JSON.parse(text));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return [{ id: path, format: format === 'json' ? 'text' : format, text, metadata: { path } }];
}

/**
 * Adds documents from documentsFromFile() in one all-or-nothing step, incrementally (unchanged
 * documents cost nothing). JSON records go as JSON text, which the call's format names; every
 * other document names its own format.
 * @returns {Promise<object>} addDocuments' report
 */
export function addFileDocuments(collection, docs, options = {}) {
  const inputs = docs.map((d) => (d.format === 'json' ? JSON.stringify(d.record) : d));
  return collection.addDocuments(inputs, { ...options, format: 'json' });
}
