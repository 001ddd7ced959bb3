import type { PrismaClient } from '../../generated/client/client';
import type { FieldCipher } from '../cipher';

export interface SeedOptions {
  log?: (msg: string) => void;
}
export interface SeedResult {
  counts: Record<string, number>;
}
export async function seed(_prisma: PrismaClient, _cipher: FieldCipher, _opts: SeedOptions = {}): Promise<SeedResult> {
  throw new Error('seed: not implemented yet');
}
