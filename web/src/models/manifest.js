// The model manifest: what Osprey needs to know to run a model (where its files are, how to pool,
// which prefixes, which task). Built-in entries come from models/manifest.json; users register their
// own with registerModel() or pass an entry object wherever a model id is accepted.
import { OspreyError } from '../errors.js';
import { BUILTIN_ASSETS } from './builtin_assets.js';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
export const MANIFEST_URL = new URL('../../../models/manifest.json', import.meta.url);
export const TASKS = ['embedding', 'dual-encoder', 'cross-encoder', 'token-embeddings'];
export const POOLINGS = ['mean', 'cls', 'last_token', 'none'];
export const VARIANTS = ['fp32', 'int8', 'fp16'];
const DEFAULT_FILES = { fp32: 'onnx/model.onnx', int8: 'onnx/model_quantized.onnx', fp16: 'onnx/model_fp16.onnx' };
const DEFAULT_HF_HOST = 'https://huggingface.co';

const registered = new Map();
let builtins = null;

async function readManifest() {
  if (isNode && MANIFEST_URL.protocol === 'file:') {
    const { readFile } = await import(/* webpackIgnore: true */ 'node:fs/promises');
    return JSON.parse(await readFile(MANIFEST_URL, 'utf8'));
  }
  const response = await fetch(MANIFEST_URL);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/** The built-in entries of models/manifest.json (read once). */
export async function builtinModels() {
  builtins ??= readManifest().then((m) => m.models).catch((cause) => {
    builtins = null;
    throw new OspreyError(`could not read the model manifest ${MANIFEST_URL}: ${cause.message}`,
      'MODEL_MANIFEST_UNAVAILABLE', { cause });
  });
  return builtins;
}

/** Adds (or replaces) a model entry under its id, for Osprey.open(name, {model: id}). */
export function registerModel(entry) {
  const checked = validateEntry(entry);
  registered.set(checked.id, checked);
  return checked;
}

export async function listModels() {
  const all = new Map((await builtinModels()).map((m) => [m.id, m]));
  for (const [id, m] of registered) all.set(id, m);
  return [...all.values()];
}

function fail(entry, message) {
  const id = entry && typeof entry.id === 'string' ? `model '${entry.id}'` : 'model entry';
  throw new OspreyError(`${id}: ${message}`, 'INVALID_MODEL_ENTRY');
}

function checkSource(entry, source, where) {
  if (!source || typeof source !== 'object') fail(entry, `${where} must be {hf}, {url} or {path}`);
  const kinds = ['hf', 'url', 'path'].filter((k) => typeof source[k] === 'string' && source[k] !== '');
  if (kinds.length !== 1) fail(entry, `${where} must have exactly one of hf, url, path`);
}

/** Checks an entry's fields and fills defaults; throws INVALID_MODEL_ENTRY naming the field. */
export function validateEntry(entry) {
  if (!entry || typeof entry !== 'object') fail(entry, 'must be an object');
  if (typeof entry.id !== 'string' || entry.id === '') fail(entry, 'id must be a non-empty string');
  const task = entry.task ?? 'embedding';
  if (!TASKS.includes(task)) fail(entry, `task '${task}' is unknown: use ${TASKS.join(', ')}`);
  const out = {
    variant: 'int8', normalize: task !== 'cross-encoder', maxLength: 512, pooling: 'mean',
    tokenizer: { json: 'tokenizer.json', config: 'tokenizer_config.json' },
    ...entry, task, files: { ...DEFAULT_FILES, ...(entry.files ?? {}) },
  };
  if (task === 'dual-encoder') {
    if (!entry.query || !entry.passage) fail(entry, "a dual encoder needs 'query' and 'passage' entries");
    checkSource(entry, entry.query.source, 'query.source');
    checkSource(entry, entry.passage.source, 'passage.source');
  } else {
    checkSource(entry, entry.source, 'source');
  }
  if (!VARIANTS.includes(out.variant)) fail(entry, `variant '${out.variant}' is unknown: use ${VARIANTS.join(', ')}`);
  if (!POOLINGS.includes(out.pooling)) fail(entry, `pooling '${out.pooling}' is unknown: use ${POOLINGS.join(', ')}`);
  if (!Number.isInteger(out.maxLength) || out.maxLength < 2) fail(entry, 'maxLength must be a whole number >= 2');
  if (out.dimension !== undefined && (!Number.isInteger(out.dimension) || out.dimension < 1)) {
    fail(entry, 'dimension must be a whole number >= 1');
  }
  if (out.queryInstruction !== undefined && out.queryPrefix === undefined) out.queryPrefix = out.queryInstruction;
  for (const key of ['queryPrefix', 'passagePrefix']) {
    if (out[key] !== undefined && typeof out[key] !== 'string') fail(entry, `${key} must be a string`);
  }
  return out;
}

/**
 * Finds and validates an entry: an id (registered, then built-in) or an entry object.
 * Returns the entry with `baseUrl` set for path sources.
 */
export async function resolveModel(model, { baseUrl } = {}) {
  let entry;
  if (typeof model === 'string') {
    entry = registered.get(model) ?? (await builtinModels()).find((m) => m.id === model);
    if (!entry) {
      const known = (await listModels()).map((m) => m.id).join(', ');
      throw new OspreyError(`unknown model '${model}': use one of ${known}, or pass a manifest entry`, 'UNKNOWN_MODEL');
    }
    const builtin = !registered.has(model);
    entry = { ...entry, baseUrl: entry.baseUrl ?? (builtin ? MANIFEST_URL.href : baseUrl) };
    // The packaged files of a built-in model: URLs that a bundler rewrote (see builtin_assets.js).
    if (builtin && BUILTIN_ASSETS[model]) entry.assets = BUILTIN_ASSETS[model];
  } else {
    entry = { ...model, baseUrl: model?.baseUrl ?? baseUrl };
  }
  return validateEntry(entry);
}

function joinUrl(base, file) {
  return base.endsWith('/') ? base + file : `${base}/${file}`;
}

/** Where a file of a model lives. `part` selects the query/passage model of a dual encoder. */
export function fileUrl(entry, file, { part, hfHost = DEFAULT_HF_HOST } = {}) {
  const packaged = part ? undefined : entry.assets?.[file];
  if (packaged) return String(packaged);
  const source = part ? entry[part].source : entry.source;
  if (source.hf) {
    const revision = source.revision ?? 'main';
    return `${hfHost}/${source.hf}/resolve/${encodeURIComponent(revision)}/${file}`;
  }
  if (source.url) return joinUrl(source.url, file);
  // A path: relative to the manifest (built-in) or to baseUrl; in Node also a plain file path.
  const base = entry.baseUrl;
  if (base) return new URL(joinUrl(source.path, file), base).href;
  if (isNode) return joinUrl(source.path, file);
  return new URL(joinUrl(source.path, file), globalThis.location?.href).href;
}

/** The entry of one encoder: a dual encoder's query/passage part inherits the shared fields. */
export function partEntry(entry, part) {
  if (!part) return entry;
  const { query, passage, ...shared } = entry;
  return { ...shared, ...entry[part], task: 'embedding', files: { ...shared.files, ...(entry[part].files ?? {}) } };
}
