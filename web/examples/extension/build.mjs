#!/usr/bin/env node
// Packages the extension: copies its files and Osprey (web/src + the WebAssembly in web/dist) into
// build/extension/ (or the folder given), ready for chrome://extensions → "Load unpacked".
// No code is fetched at run time: Manifest V3 forbids remotely hosted code.
//   node web/examples/extension/build.mjs [outDir]
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const FILES = ['manifest.json', 'background.js', 'content.js', 'offscreen.html', 'offscreen.js', 'popup.html', 'popup.js'];

export async function buildExtension(out = join(ROOT, 'build', 'extension')) {
  for (const file of ['osprey_core.mjs', 'osprey_core.wasm']) {
    try {
      await stat(join(ROOT, 'web', 'dist', file));
    } catch {
      throw new Error(`web/dist/${file} is missing: build the WebAssembly core first (npm run build)`);
    }
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'osprey', 'dist'), { recursive: true });
  for (const file of FILES) await cp(join(HERE, file), join(out, file));
  await cp(join(ROOT, 'web', 'src'), join(out, 'osprey', 'src'), { recursive: true, filter: (p) => !p.endsWith('.d.ts') });
  for (const file of ['osprey_core.mjs', 'osprey_core.wasm']) {
    await cp(join(ROOT, 'web', 'dist', file), join(out, 'osprey', 'dist', file));
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildExtension(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`extension written to ${out}: load it unpacked from chrome://extensions`);
}
