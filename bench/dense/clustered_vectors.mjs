import { makeRandom } from '../../scripts/lib/random.mjs';

// Seeded clustered test vectors (makeRandom: mulberry32 + Box-Muller), unit length: `clusters`
// random centres, each vector a centre plus Gaussian noise of `spread`. The same seed gives the
// same vectors.
export function clusteredVectors({ dim, clusters, spread, seed }) {
  const { uniform, normal } = makeRandom(seed);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, normal));
  // Writes `count` vectors into `out` (a Float32Array of at least count * dim) and returns it.
  const fill = (out, count) => {
    for (let v = 0; v < count; ++v) {
      const c = centres[Math.floor(uniform() * clusters)];
      const offset = v * dim;
      let norm = 0;
      for (let i = 0; i < dim; ++i) {
        const x = c[i] + spread * normal();
        out[offset + i] = x;
        norm += x * x;
      }
      norm = 1 / Math.sqrt(norm);
      for (let i = 0; i < dim; ++i) out[offset + i] *= norm;
    }
    return out;
  };
  return { fill };
}
