// Builds every model the project generates (idempotent: skips models whose generator did not change).
// Called by scripts/build.
import { generateRandomBert } from './generate_random_bert.mjs';
import { generateStatic } from './generate_static.mjs';

await generateStatic();
await generateRandomBert();
