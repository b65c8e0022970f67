#!/usr/bin/env node
// Real vectors for bench/dense/dense_bench.mjs: every sentence and title of the five English test
// collections (../shared/data/ir: adi, cran, cisi, med, npl), deduplicated, embedded with the
// embedded static model (osprey-static-en, 100-d, unit length); the queries are the collections'
// own queries, embedded as queries. Writes <out>.data.f32 and <out>.query.f32:
//   node bench/dense/real_vectors.mjs [--out build/dense-bench/real-static-en]
//   node bench/dense/dense_bench.mjs --vectors build/dense-bench/real-static-en --dim 100 ...
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextEmbedder } from '../../web/src/models/index.js';
import { readBeir } from '../../scripts/lib/beir.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : `${root}build/dense-bench/real-static-en`;

const texts = new Set();
const queries = [];
for (const name of ['adi', 'cran', 'cisi', 'med', 'npl']) {
  const { corpus, queries: q } = readBeir(`${root}../shared/data/ir/${name}`);
  for (const doc of corpus) {
    if (doc.title?.trim()) texts.add(doc.title.trim());
    // Sentences: split after . ? ! followed by white space (abbreviations split too; still text).
    for (const sentence of doc.text.split(/(?<=[.?!])\s+/)) {
      if (sentence.trim().split(/\s+/).length >= 3) texts.add(sentence.trim());
    }
  }
  for (const query of q) queries.push(query.text);
}
const embedder = await TextEmbedder.load('osprey-static-en');
const flatten = (vectors) => {
  const flat = new Float32Array(vectors.length * embedder.dimension);
  vectors.forEach((v, i) => flat.set(v, i * embedder.dimension));
  return flat;
};
const list = [...texts];
const data = [];
for (let i = 0; i < list.length; i += 2000) data.push(...(await embedder.embedDocuments(list.slice(i, i + 2000))));
// A text without a known word embeds to zeros: no direction, so not a valid cosine vector.
const nonzero = (v) => v.some((x) => x !== 0);
const kept = data.filter(nonzero);
const queryVectors = (await embedder.embed(queries, { kind: 'query' })).filter(nonzero);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.data.f32`, flatten(kept));
writeFileSync(`${out}.query.f32`, flatten(queryVectors));
console.log(`${kept.length} vectors (${list.length} texts) and ${queryVectors.length} queries of ` +
  `${embedder.dimension} dimensions -> ${out}.{data,query}.f32`);
