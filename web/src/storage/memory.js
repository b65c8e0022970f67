// The paged layout of manifest.js kept in this JS realm: for Node, tests, and browsers without
// IndexedDB. Nothing survives a reload. Pages are copied in and out, as a real store would.
import { OspreyError } from '../errors.js';
import { nextGeneration, readGeneration, referencedKeys, checkManifest } from './manifest.js';

export class MemoryStorage {
  kind = 'memory';
  lastCommitBytes = 0;
  #manifests = new Map();
  #pages = new Map();

  async head(name) {
    const manifest = this.#manifests.get(name);
    return manifest ? checkManifest(name, structuredClone(manifest)) : null;
  }

  async read(name, checksum) {
    const manifest = await this.head(name);
    if (!manifest) return null;
    const readPages = async (keys) => new Map(keys.map((k) => [k, this.#pages.get(k)?.slice()]));
    return readGeneration(name, manifest, readPages, checksum);
  }

  async commit(name, { expectGeneration, base, snapshot, records, binding, checksum }) {
    const current = this.#manifests.get(name);
    if ((current?.generation ?? 0) !== expectGeneration) {
      throw new OspreyError(`collection '${name}' was saved elsewhere meanwhile`, 'CONFLICT');
    }
    const { manifest, pages } = nextGeneration(name, base, { snapshot, records, binding, checksum, after: expectGeneration });
    for (const page of pages) this.#pages.set(page.key, page.bytes.slice());
    this.#manifests.set(name, structuredClone(manifest));
    this.lastCommitBytes = pages.reduce((sum, p) => sum + p.bytes.length, 0);
    const keep = referencedKeys(manifest);
    for (const key of this.#pages.keys()) {
      if (key.startsWith(name + '\u0001') && !keep.has(key)) this.#pages.delete(key);
    }
    return manifest;
  }

  async delete(name) {
    this.#manifests.delete(name);
    for (const key of [...this.#pages.keys()]) if (key.startsWith(name + '\u0001')) this.#pages.delete(key);
  }

  async list() {
    return [...this.#manifests.keys()];
  }
}
