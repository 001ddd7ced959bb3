/**
 * `npm run db:seed`: reference catalogs and demo data into DATABASE_URL (idempotent).
 * Needs DATA_ENCRYPTION_KEY and DATA_HASH_KEY (the same keys the BFF uses), because demo
 * names, ID numbers and phone numbers are stored encrypted.
 */
import { FieldCipher } from '../src/cipher';
import { createPrisma } from '../src/client';
import { seed } from '../src/seed';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../src/url';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  let cipher: FieldCipher;
  try {
    cipher = FieldCipher.fromEnv();
  } catch (e) {
    process.stderr.write(`\n${(e as Error).message}\n（npm start 会自动生成并保存在 .data/secrets.json / \`npm start\` generates them into .data/secrets.json）\n`);
    process.exit(1);
  }
  const { database } = parseDatabaseUrl(url);
  const prisma = createPrisma(url);
  try {
    const started = Date.now();
    const { counts } = await seed(prisma, cipher, { log: (m) => process.stdout.write(`[db:seed] ${m}\n`) });
    process.stdout.write(`[db:seed] ${database}: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')} (${Date.now() - started} ms)\n`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`\n演示数据写入失败 / seeding failed:\n${e.message}\n`);
  process.exit(1);
});
