/**
 * Every outside platform the BFF talks to has its mock here: one module per platform under
 * platforms/<name>/ exporting a MockPlatform (routes, state, reset) and, when it signs or
 * encrypts, a demo key generator registered in DEMO_KEY_GENERATORS.
 */
import type { MockPlatform } from './app';
import { DEMO_KEY_GENERATORS, completeDemoKeys, demoKeyEnv } from './demo-keys';

export { DEMO_KEY_GENERATORS, completeDemoKeys, demoKeyEnv };

/** Builds every platform mock from the environment (keys, ids) — see each platform's README block. */
export function allPlatforms(env: NodeJS.ProcessEnv = process.env): MockPlatform[] {
  void env;
  return [];
}
