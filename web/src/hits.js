// Turns the flat buffers of bindings/hit_list.cpp into hit objects (the core calls this once per
// search, as Module.decodeHits). The arguments are views into WebAssembly memory, valid only
// during this call: everything kept is copied out.

const NUMBERS_PER_HIT = 5; // score, sparse score, dense score (NaN: absent), sparse rank, dense rank (0: absent)
const utf8 = new TextDecoder();

/**
 * @param {Float64Array} numbers NUMBERS_PER_HIT per hit
 * @param {Uint32Array} lengths UTF-16 length of each string of `bytes`, stringsPerHit per hit
 * @param {Uint8Array} bytes the hits' strings in UTF-8: id [, title, body] per hit
 * @param {string|undefined} extrasJson a JSON array: per hit {metadata?, snippet?, highlights?}
 * @param {number} stringsPerHit 1 (id) or 3 (id, title, body)
 */
export function decodeHits(numbers, lengths, bytes, extrasJson, stringsPerHit) {
  // TextDecoder refuses views of shared memory (threaded builds): decode a copy then.
  const text = utf8.decode(bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice());
  const extras = extrasJson === undefined ? undefined : JSON.parse(extrasJson);
  const count = lengths.length / stringsPerHit;
  const hits = new Array(count);
  let at = 0;
  let string = 0;
  const next = () => text.slice(at, (at += lengths[string++]));
  for (let h = 0; h < count; h++) {
    const n = h * NUMBERS_PER_HIT;
    const hit = { id: next(), score: numbers[n] };
    if (stringsPerHit === 3) {
      hit.title = next();
      hit.body = next();
    }
    const extra = extras?.[h];
    hit.metadata = extra?.metadata ?? {};
    if (!Number.isNaN(numbers[n + 1])) hit.sparseScore = numbers[n + 1];
    if (!Number.isNaN(numbers[n + 2])) hit.denseScore = numbers[n + 2];
    if (numbers[n + 3]) hit.sparseRank = numbers[n + 3];
    if (numbers[n + 4]) hit.denseRank = numbers[n + 4];
    if (extra?.snippet) hit.snippet = extra.snippet;
    if (extra?.highlights) hit.highlights = extra.highlights;
    hits[h] = hit;
  }
  return hits;
}
