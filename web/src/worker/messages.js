// How arguments cross the page/worker boundary: every numeric vector is copied into one
// Float32Array whose buffer is transferred (not cloned), and metadata travels as JSON text so that
// it is accepted or refused exactly as on the main thread. The caller's arrays are left untouched.
// Async callbacks (a cross-encoder's score, train's embed) stay on the page: they travel as
// markers that the worker turns into functions which ask the page to run them.
import { mapCallbacks } from '../api.js';
import { OspreyError } from '../errors.js';

// The protocol's lists come from the API declaration: which Collection methods are forwarded to the
// worker's collection ('invoke'), which have their own operation, and where their arguments hold
// callbacks that run on the page (a crossEncoder stage's score, train's and addDocuments' embed;
// a synchronous callback such as a tokenizer's count cannot wait for a message and is refused as
// uncloneable).
export { FORWARDED_METHODS, WORKER_OPERATIONS } from '../api.js';

function isNumericVector(v) {
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView) && typeof v[0] !== 'bigint';
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function metadataText(metadata, i) {
  if (metadata === undefined || metadata === null) return undefined;
  try {
    return JSON.stringify(metadata);
  } catch (cause) {
    throw new OspreyError(`documents[${i}].metadata cannot be written as JSON: ${cause.message}`,
      'INVALID_JSON', { cause });
  }
}

/** @returns {{docs: object[], vectors: Float32Array, transfer: ArrayBuffer[]}} */
export function packDocuments(docs) {
  if (!Array.isArray(docs)) throw new OspreyError('documents must be an array', 'INVALID_ARGUMENT');
  let total = 0;
  for (const d of docs) if (d && isNumericVector(d.vector)) total += d.vector.length;
  const vectors = new Float32Array(total);
  let offset = 0;
  const packed = docs.map((d, i) => {
    if (d === null || typeof d !== 'object') return d; // the core reports it with its index
    const { vector, metadata, ...rest } = d;
    const out = { ...rest, metadataText: metadataText(metadata, i) };
    if (isNumericVector(vector)) {
      vectors.set(vector, offset);
      out.vectorAt = [offset, vector.length];
      offset += vector.length;
    } else if (vector !== undefined) {
      out.vector = vector; // not numeric: the core refuses it with the same error as on the page
    }
    return out;
  });
  return { docs: packed, vectors, transfer: [vectors.buffer] };
}

export function unpackDocuments(docs, vectors) {
  return docs.map((d) => {
    if (d === null || typeof d !== 'object') return d;
    const { vectorAt, metadataText: text, ...rest } = d;
    const out = rest;
    if (text !== undefined) out.metadata = JSON.parse(text);
    if (vectorAt) out.vector = vectors.subarray(vectorAt[0], vectorAt[0] + vectorAt[1]);
    return out;
  });
}

/** A query vector as a fresh Float32Array (cloned: it is small). */
export function packSearchOptions(options) {
  if (options === null || typeof options !== 'object') return options;
  const { vector, ...rest } = options;
  if (isNumericVector(vector)) return { ...rest, vector: Float32Array.from(vector) };
  return vector === undefined ? rest : { ...rest, vector };
}

const MARK = 'ospreyCallback';

/** Page side: the callbacks in `args` become {ospreyCallback: i}; returns them in that order. */
export function packCallbacks(method, args) {
  const callbacks = [];
  const packed = mapCallbacks(method, args, (value) => {
    if (typeof value !== 'function') return value; // the worker's collection refuses it as on the page
    callbacks.push(value);
    return { [MARK]: callbacks.length - 1 };
  });
  return { args: packed, callbacks };
}

/** Worker side: markers become functions; `ask(index, args)` runs callback `index` on the page. */
export function unpackCallbacks(method, args, ask) {
  return mapCallbacks(method, args, (value) => (value !== null && typeof value === 'object' && Number.isInteger(value[MARK])
    ? (...callArgs) => ask(value[MARK], callArgs)
    : value));
}
