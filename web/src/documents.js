// Documents into the core. Each document is checked here, then a batch is packed as one UTF-8
// buffer plus the byte length of every field, so that it crosses into WebAssembly in one call:
// reading each field through Embind (several calls per field) cost more than analyzing and
// indexing the text (bindings/document_batch.cpp unpacks it).
import { OspreyError } from './errors.js';
import { toJson } from './json.js';

const encoder = new TextEncoder();

function checkString(value, what, required) {
  if (value === undefined || value === null) {
    if (required) throw new OspreyError(`${what} must be a string`, 'INVALID_ARGUMENT');
    return '';
  }
  if (typeof value !== 'string') throw new OspreyError(`${what} must be a string`, 'INVALID_ARGUMENT');
  // TextEncoder would replace a lone surrogate with U+FFFD: refuse the text instead of changing it.
  if (!value.isWellFormed()) {
    throw new OspreyError(`${what} is not well-formed Unicode (it has an unpaired UTF-16 surrogate)`, 'INVALID_UTF8');
  }
  return value;
}

/** {id, title, body | text, metadata, vector} checked, with the core's field names. */
export function toCoreDocument(doc, i) {
  const where = `documents[${i}]`;
  if (doc === null || typeof doc !== 'object') {
    throw new OspreyError(`${where} must be an object`, 'INVALID_ARGUMENT');
  }
  if (doc.text !== undefined && doc.body !== undefined) {
    throw new OspreyError(`${where} has both 'text' and 'body': give one`, 'INVALID_ARGUMENT');
  }
  return {
    id: checkString(doc.id, `${where}.id`, true),
    title: checkString(doc.title, `${where}.title`, false),
    body: checkString(doc.body ?? doc.text, `${where}.body`, false),
    metadataJson: toJson(doc.metadata, `${where}.metadata`) ?? '',
    vector: doc.vector,
  };
}

const FIELDS = ['id', 'title', 'body', 'metadataJson'];

/**
 * @param {ReturnType<typeof toCoreDocument>[]} docs
 * @returns {{bytes: Uint8Array, lengths: Uint32Array, vectors?: Array}} the fields of every
 *   document in FIELDS order as UTF-8, the byte length of each, and the vectors (when any).
 */
export function packDocuments(docs) {
  let chars = 0;
  for (const d of docs) for (const f of FIELDS) chars += d[f].length;
  let bytes = new Uint8Array(chars + 64); // ASCII fits; grown when a text needs more
  const lengths = new Uint32Array(docs.length * FIELDS.length);
  let at = 0;
  let n = 0;
  for (const d of docs) {
    for (const f of FIELDS) {
      const text = d[f];
      let { read, written } = encoder.encodeInto(text, bytes.subarray(at));
      while (read < text.length) { // out of room: grow (up to 3 bytes per UTF-16 unit) and redo
        const grown = new Uint8Array(Math.max(bytes.length * 2, at + text.length * 3 + 64));
        grown.set(bytes.subarray(0, at));
        bytes = grown;
        ({ read, written } = encoder.encodeInto(text, bytes.subarray(at)));
      }
      lengths[n++] = written;
      at += written;
    }
  }
  const batch = { bytes: bytes.subarray(0, at), lengths };
  if (docs.some((d) => d.vector !== undefined && d.vector !== null)) batch.vectors = docs.map((d) => d.vector);
  return batch;
}
