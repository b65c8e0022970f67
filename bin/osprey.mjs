#!/usr/bin/env node
// Osprey's command line, on the same WebAssembly core as the browser package.
//   osprey index <dir> [--out index.osprey]        indexes .txt .md .html .htm .json files
//   osprey search <query> [--index index.osprey] [--k 10] [--json]
//   osprey eval <beir-dir> [--k1 0.9 --b 0.4] [--json]   nDCG@10, MAP, MRR@10, Recall@100
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { Osprey, OspreyError } from '../web/src/osprey.js';
import { documentsFromFile, INDEXED_EXTENSIONS } from './lib/documents.mjs';

const USAGE = `usage:
  osprey index <dir> [--out index.osprey]      index .txt .md .html .htm .json files under <dir>
  osprey search <query> [--index index.osprey] [--k 10] [--json]
  osprey eval <beir-dir> [--k1 <n>] [--b <n>] [--json]
                                               nDCG@10, MAP, MRR@10, Recall@100 of BM25 on a BEIR folder`;

class UsageError extends Error {}

function parse(argv, flags) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const name = arg.slice(2);
    if (!(name in flags)) throw new UsageError(`unknown option ${arg}`);
    if (flags[name] === 'boolean') { options[name] = true; continue; }
    if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
    const value = argv[++i];
    if (flags[name] === 'number' && !Number.isFinite(Number(value))) throw new UsageError(`${arg} needs a number, not '${value}'`);
    options[name] = flags[name] === 'number' ? Number(value) : value;
  }
  return { positional, options };
}

async function* walk(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && INDEXED_EXTENSIONS.has(extname(entry.name).toLowerCase())) yield path;
  }
}

async function indexCommand(argv) {
  const { positional, options } = parse(argv, { out: 'string' });
  if (positional.length !== 1) throw new UsageError('index needs exactly one directory');
  const root = resolve(positional[0]);
  const out = options.out ?? 'index.osprey';
  const docs = [];
  let files = 0;
  try {
    for await (const path of walk(root)) {
      files++;
      docs.push(...documentsFromFile(relative(root, path).split('\\').join('/'), await readFile(path, 'utf8')));
    }
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new UsageError(`no directory ${positional[0]}`);
    throw error;
  }
  const collection = await Osprey.open('cli-index', { storage: 'memory' });
  await collection.add(docs);
  await writeFile(out, collection.export());
  console.log(`indexed ${docs.length} documents from ${files} files into ${out}`);
  collection.close();
}

async function openIndex(path) {
  let bytes;
  try {
    bytes = await readFile(path);
  } catch {
    throw new UsageError(`no index at ${path}: create one with 'osprey index <dir> --out ${path}'`);
  }
  return Osprey.open('cli-search', { storage: 'memory', bytes: new Uint8Array(bytes) });
}

/** About 200 characters of the body around the first match, matched terms in [brackets]. */
function marked(hit) {
  const spans = hit.highlights?.body ?? [];
  const from = spans.length ? Math.max(0, spans[0][0] - 60) : 0;
  const to = Math.min(hit.body.length, from + 200);
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const [start, end] of spans) {
    if (start < at || end > to) continue;
    out += `${hit.body.slice(at, start)}[${hit.body.slice(start, end)}]`;
    at = end;
  }
  out += hit.body.slice(at, to) + (to < hit.body.length ? '…' : '');
  return out.replace(/\s+/g, ' ').trim();
}

async function searchCommand(argv) {
  const { positional, options } = parse(argv, { index: 'string', k: 'number', json: 'boolean' });
  if (positional.length === 0) throw new UsageError('search needs a query');
  const collection = await openIndex(options.index ?? 'index.osprey');
  const hits = await collection.search(positional.join(' '), { k: options.k ?? 10, highlight: true });
  if (options.json) {
    console.log(JSON.stringify(hits.map(({ id, score, title, metadata, sparseScore, sparseRank }) =>
      ({ id, score, title, metadata, sparseScore, sparseRank })), null, 2));
  } else if (hits.length === 0) {
    console.log('no results');
  } else {
    hits.forEach((hit, i) => {
      console.log(`${i + 1}. ${hit.id}  (score ${hit.score.toFixed(3)})${hit.title ? `  ${hit.title}` : ''}`);
      console.log(`   ${marked(hit)}`);
    });
  }
  collection.close();
}

async function evalCommand(argv) {
  const { positional, options } = parse(argv, { k1: 'number', b: 'number', json: 'boolean' });
  if (positional.length !== 1) throw new UsageError('eval needs one BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)');
  const { readBeir, evaluate } = await import('../scripts/lib/beir.mjs');
  let data;
  try {
    data = readBeir(positional[0]);
  } catch (error) {
    throw new UsageError(`cannot read the BEIR folder ${positional[0]}: ${error.message}`);
  }
  const bm25 = {};
  if (options.k1 !== undefined) bm25.k1 = options.k1;
  if (options.b !== undefined) bm25.b = options.b;
  const collection = await Osprey.open('cli-eval', { storage: 'memory', ...(Object.keys(bm25).length ? { bm25 } : {}) });
  await collection.add(data.corpus.map((d) => ({ id: String(d._id), title: d.title ?? '', body: d.text ?? '' })));
  const rankings = new Map();
  for (const q of data.queries) {
    const hits = q.text.trim() ? await collection.search(q.text, { k: 100, mode: 'sparse' }) : [];
    rankings.set(q._id, hits.map((h) => h.id));
  }
  collection.close();
  const metrics = { dataset: basename(resolve(positional[0])), docs: data.corpus.length, ...evaluate(rankings, data.qrels) };
  if (options.json) {
    console.log(JSON.stringify(metrics));
  } else {
    console.log(`${metrics.dataset}: ${metrics.docs} documents, ${metrics.queries} queries`);
    console.log(`nDCG@10 ${metrics.ndcg10.toFixed(4)}  MAP ${metrics.map.toFixed(4)}  ` +
      `MRR@10 ${metrics.mrr10.toFixed(4)}  Recall@100 ${metrics.recall100.toFixed(4)}`);
  }
}

const COMMANDS = { index: indexCommand, search: searchCommand, eval: evalCommand };

async function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!COMMANDS[command]) throw new UsageError(`unknown command '${command}'`);
  await COMMANDS[command](rest);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`osprey: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof OspreyError) {
    console.error(`osprey: ${error.message} (${error.code})`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
