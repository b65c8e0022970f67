// The files of the embedded default model, each named by a literal new URL('…', import.meta.url):
// the one form Vite and webpack recognise, so a bundled app gets these files as assets with
// rewritten URLs and no configuration. A path found at run time (relative to the manifest) would
// not be seen by a bundler. Keep this list in step with the model's entry in models/manifest.json
// and with package.json "files" (tests/js/package.test.mjs checks both).
export const BUILTIN_ASSETS = {
  'osprey-static-en': {
    'tokenizer.json': new URL('../../../models/generated/osprey-static-en/tokenizer.json', import.meta.url),
    'tokenizer_config.json':
      new URL('../../../models/generated/osprey-static-en/tokenizer_config.json', import.meta.url),
    'onnx/model_quantized.onnx':
      new URL('../../../models/generated/osprey-static-en/onnx/model_quantized.onnx', import.meta.url),
  },
};
