// JS values that cross into the core as JSON text (metadata, filters, records).
import { OspreyError } from './errors.js';

// JSON.stringify writes a lone surrogate as an escape (\ud800), which the core then refuses as bad
// JSON: refuse it here, as text fields are, naming where it is.
function wellFormed(what) {
  return function check(key, value) {
    if (!key.isWellFormed() || (typeof value === 'string' && !value.isWellFormed())) {
      const where = key === '' ? what : `${what} at key ${JSON.stringify(key)}`;
      throw new OspreyError(`${where} is not well-formed Unicode (it has an unpaired UTF-16 surrogate)`, 'INVALID_UTF8');
    }
    return value;
  };
}

/**
 * How deep JSON that crosses into the core may nest. The core copies and writes JSON values
 * recursively: a document nested a few thousand levels deep would exhaust the WebAssembly stack.
 */
export const MAX_JSON_DEPTH = 256;

/** Refuses JSON text that nests deeper than MAX_JSON_DEPTH (a scan that skips strings). */
export function checkJsonDepth(text, what) {
  if (text.length <= 2 * MAX_JSON_DEPTH) return; // too short to nest that deep
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new OspreyError(`${what} is nested deeper than ${MAX_JSON_DEPTH} levels: flatten it`, 'INVALID_JSON');
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

/** JSON text of `value` (undefined for undefined or null); `what` names it in the error. */
export function toJson(value, what) {
  if (value === undefined || value === null) return undefined;
  try {
    const text = JSON.stringify(value);
    // Only a lone surrogate is written as a \ud8xx-\udfxx escape: look closer only then.
    if (/\\u[dD][89a-fA-F]/.test(text)) JSON.stringify(value, wellFormed(what));
    checkJsonDepth(text, what);
    return text;
  } catch (cause) {
    if (cause instanceof OspreyError) throw cause;
    throw new OspreyError(`${what} cannot be written as JSON: ${cause.message}`, 'INVALID_JSON', { cause });
  }
}
