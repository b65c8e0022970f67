// The storage layout shared by every backend. A collection is stored as
//   pages:    immutable byte pages, each with a CRC-32C: the snapshot (the whole collection, split
//             into pages) and change records (one per incremental save);
//   manifest: which pages make the current generation, plus the previous generation's manifest.
// A commit writes new pages and the new manifest in one transaction, so a crash at any instant
// leaves the old or the new generation. Pages no longer referenced by the current or previous
// manifest are collected afterwards. A page that fails its checksum makes the reader fall back to
// the previous generation, and say so.
import { OspreyError } from '../errors.js';

export const MANIFEST_FORMAT = 'osprey-collection';
export const MANIFEST_VERSION = 1;
export const PAGE_SIZE = 4 << 20;
const SEP = '\u0001';

export const pageRange = (name) => [name + SEP, name + '\u0002'];
const pageKey = (name, generation, kind, index) => `${name}${SEP}${generation}${SEP}${kind}${index}`;

/** Refuses manifests of other programs and of newer Osprey versions. */
export function checkManifest(name, manifest) {
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== MANIFEST_FORMAT) {
    throw new OspreyError(`the stored entry '${name}' was not written by Osprey (no Osprey manifest)`,
      'UNSUPPORTED_FORMAT');
  }
  if (!(manifest.version >= 1 && manifest.version <= MANIFEST_VERSION)) {
    throw new OspreyError(`collection '${name}' was stored by a newer Osprey (storage layout ` +
      `${manifest.version}; this version reads up to ${MANIFEST_VERSION}): upgrade Osprey to open it`,
      'UNSUPPORTED_FORMAT');
  }
  if (!Number.isInteger(manifest.generation) || !Array.isArray(manifest.snapshot?.pages) ||
      !Array.isArray(manifest.records)) {
    throw new OspreyError(`the manifest of collection '${name}' is malformed`, 'CORRUPT_DATA');
  }
  return manifest;
}

function splitPages(name, generation, kind, bytes, checksum) {
  const pages = [];
  for (let offset = 0, i = 0; offset < bytes.length || i === 0; offset += PAGE_SIZE, i++) {
    const slice = bytes.subarray(offset, Math.min(bytes.length, offset + PAGE_SIZE));
    pages.push({ key: pageKey(name, generation, kind, i), bytes: slice.slice(), crc: checksum(slice) });
  }
  return pages;
}

const describe = (pages) => pages.map(({ key, bytes, crc }) => ({ key, size: bytes.length, crc }));

/**
 * The pages and manifest of the next generation.
 * @param {object|null} previous the current manifest (null for a new collection)
 * @param {{snapshot?: Uint8Array, records?: Uint8Array[], binding: object, checksum: Function,
 *          after?: number}} change  `after`: the generation stored now (numbers only grow)
 */
export function nextGeneration(name, previous, { snapshot, records = [], binding, checksum, after = 0 }) {
  // Generations only grow, also when `previous` is an older intact generation we recovered to.
  const generation = Math.max(previous?.generation ?? 0, after) + 1;
  if (!snapshot && !previous) throw new OspreyError('the first save must be a snapshot', 'INTERNAL');
  const pages = [];
  let snapshotEntry = previous?.snapshot;
  let recordEntries = previous?.records ?? [];
  if (snapshot) {
    const snapshotPages = splitPages(name, generation, 's', snapshot, checksum);
    pages.push(...snapshotPages);
    snapshotEntry = { generation, size: snapshot.length, pages: describe(snapshotPages) };
    recordEntries = [];
  }
  recordEntries = [...recordEntries];
  records.forEach((record, i) => {
    const recordPages = splitPages(name, generation, `r${i}.`, record, checksum);
    pages.push(...recordPages);
    recordEntries.push({ generation, size: record.length, pages: describe(recordPages) });
  });
  const { previous: _dropped, ...previousWithoutHistory } = previous ?? {};
  const manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name,
    generation,
    binding,
    snapshot: snapshotEntry,
    records: recordEntries,
    committedAt: Date.now(),
    previous: previous ? previousWithoutHistory : null,
  };
  return { manifest, pages };
}

/** Keys of every page the manifest or its previous generation needs. */
export function referencedKeys(manifest) {
  const keys = new Set();
  for (const m of [manifest, manifest?.previous]) {
    if (!m) continue;
    for (const entry of [m.snapshot, ...m.records]) for (const page of entry.pages) keys.add(page.key);
  }
  return keys;
}

/** Bytes of the log since the snapshot: the compaction policy weighs them against its size. */
export const logSize = (manifest) => manifest.records.reduce((sum, r) => sum + r.size, 0);

// The snapshot comes back as its checked pages (the core copies them into one buffer itself, so
// a 100 MB snapshot is not also joined here); each record as one Uint8Array.
async function assemble(name, manifest, readPages, checksum) {
  const entries = [manifest.snapshot, ...manifest.records];
  const keys = entries.flatMap((e) => e.pages.map((p) => p.key));
  const pages = await readPages(keys);
  const checked = (entry) => {
    const out = [];
    let offset = 0;
    for (const page of entry.pages) {
      const bytes = pages.get(page.key);
      if (!(bytes instanceof Uint8Array)) {
        throw new OspreyError(`collection '${name}' generation ${manifest.generation}: page ${page.key.split(SEP).slice(1).join('/')} is missing`, 'CORRUPT_DATA');
      }
      if (bytes.length !== page.size || checksum(bytes) !== page.crc) {
        throw new OspreyError(`collection '${name}' generation ${manifest.generation}: page ${page.key.split(SEP).slice(1).join('/')} fails its checksum`, 'CORRUPT_DATA');
      }
      out.push(bytes);
      offset += bytes.length;
    }
    if (offset !== entry.size) {
      throw new OspreyError(`collection '${name}' generation ${manifest.generation}: pages do not add up`, 'CORRUPT_DATA');
    }
    return out;
  };
  const join = (entry) => {
    const parts = checked(entry);
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(entry.size);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  return { snapshot: checked(manifest.snapshot), records: manifest.records.map(join) };
}

/**
 * Reads the current generation, or the previous one when a page of the current one is missing or
 * corrupt (then `recovered` says why). Throws CORRUPT_DATA when neither is intact.
 * Returns {manifest, headGeneration, snapshot: its pages (Uint8Array[]), records: Uint8Array[],
 * recovered, verified: true (every page passed its checksum)}.
 */
export async function readGeneration(name, manifest, readPages, checksum) {
  checkManifest(name, manifest);
  const headGeneration = manifest.generation;
  try {
    return { manifest, headGeneration, ...(await assemble(name, manifest, readPages, checksum)), recovered: null,
      verified: true };
  } catch (error) {
    if (error.code !== 'CORRUPT_DATA' || !manifest.previous) throw error;
    try {
      const previous = checkManifest(name, manifest.previous);
      const result = await assemble(name, previous, readPages, checksum);
      return { manifest: previous, headGeneration, ...result,
        recovered: { generation: previous.generation, reason: error.message }, verified: true };
    } catch (olderError) {
      throw new OspreyError(`${error.message}; the previous generation is not intact either ` +
        `(${olderError.message})`, 'CORRUPT_DATA', { cause: error });
    }
  }
}
