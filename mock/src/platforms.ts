/** Every outside platform the BFF talks to has its mock here (filled in by the outside-platforms work). */
import type { MockPlatform } from './app';

export function allPlatforms(): MockPlatform[] {
  return [];
}
