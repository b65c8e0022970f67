// Keeps saved collections in this JS realm only: for Node, tests, and browsers without
// IndexedDB. Nothing survives a reload.
export class MemoryStorage {
  #items = new Map();
  kind = 'memory';
  async get(name) {
    const bytes = this.#items.get(name);
    return bytes ? bytes.slice() : null;
  }
  async put(name, bytes) {
    this.#items.set(name, bytes.slice());
  }
  async delete(name) {
    this.#items.delete(name);
  }
  async list() {
    return [...this.#items.keys()];
  }
}
