import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDrift, checkMigrationsMatchSchema } from '../src/drift';
import { splitStatements } from '../src/migrations';
import { planMigration } from '../src/plan';
import { SCHEMA_PATH } from '../src/sql/dmmf';
import { createTestDatabase, type TestDatabase } from '../src/testdb';
import { copyMigrations, withConnection } from './helpers';

const schemaText = readFileSync(SCHEMA_PATH, 'utf8');

/** Adds a line inside a model block of the schema text. */
function addToModel(text: string, model: string, line: string): string {
  const start = text.indexOf(`model ${model} {`);
  if (start < 0) throw new Error(`model ${model} not found`);
  const end = text.indexOf('\n}', start);
  return `${text.slice(0, end)}\n  ${line}${text.slice(end)}`;
}

describe('drift check', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db?.drop();
  });

  it('passes on a freshly migrated database', async () => {
    const r = await checkDrift(db.url);
    expect(r.differences).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.suggestedMigration).toBeNull();
    expect(r.warnings).toEqual([]);
  });

  it('fails when the schema has a column that no migration creates', async () => {
    const changed = addToModel(schemaText, 'Patient', 'occupation String? @map("occupation_code") @db.VarChar(32)');
    const r = await checkDrift(db.url, { schemaText: changed });
    expect(r.ok).toBe(false);
    expect(r.differences).toEqual(['Column `patients`.`occupation_code` is in the schema (VARCHAR(32) NULL) but missing from the database.']);
    expect(r.suggestedMigration).toBe('-- AlterTable\nALTER TABLE `patients` ADD COLUMN `occupation_code` VARCHAR(32) NULL;\n');
  });

  it('fails when a column is dropped from the database', async () => {
    await withConnection(db.url, (c) => c.query('ALTER TABLE `consultations` DROP COLUMN `cancel_reason`'));
    const r = await checkDrift(db.url);
    expect(r.ok).toBe(false);
    expect(r.differences).toEqual(['Column `consultations`.`cancel_reason` is in the schema (VARCHAR(255) NULL) but missing from the database.']);
  });

  it('fails when an index differs, is missing or is extra', async () => {
    await withConnection(db.url, async (c) => {
      await c.query('DROP INDEX `orders_state_updated_at_idx` ON `orders`');
      await c.query('CREATE INDEX `orders_state_updated_at_idx` ON `orders`(`state`)');
      await c.query('DROP INDEX `drugs_pinyin_idx` ON `drugs`');
      await c.query('CREATE INDEX `drugs_manufacturer_idx` ON `drugs`(`manufacturer`)');
    });
    const r = await checkDrift(db.url);
    expect(r.ok).toBe(false);
    expect(r.differences).toEqual(
      expect.arrayContaining([
        'Index `orders_state_updated_at_idx` on `orders` differs: schema normal (state, updated_at), database normal (state).',
        'Index `drugs_pinyin_idx` on `drugs`(pinyin) is in the schema but missing from the database.',
        'Index `drugs_manufacturer_idx` on `drugs`(manufacturer) exists in the database but not in the schema.',
      ]),
    );
    expect(r.differences).toHaveLength(3);
    expect(r.suggestedMigration).toContain('CREATE INDEX `orders_state_updated_at_idx` ON `orders`(`state`, `updated_at`);');
  });

  it('fails when a unique key becomes a plain index', async () => {
    await withConnection(db.url, async (c) => {
      await c.query('DROP INDEX `drugs_national_code_key` ON `drugs`');
      await c.query('CREATE INDEX `drugs_national_code_key` ON `drugs`(`national_code`)');
    });
    const r = await checkDrift(db.url);
    expect(r.differences).toEqual(['Index `drugs_national_code_key` on `drugs` differs: schema unique (national_code), database normal (national_code).']);
  });

  it('fails on type, nullability, default, enum and foreign key differences', async () => {
    await withConnection(db.url, async (c) => {
      await c.query('ALTER TABLE `hospitals` MODIFY `city` VARCHAR(16) NOT NULL');
      await c.query('ALTER TABLE `drugs` MODIFY `manufacturer` VARCHAR(128) NULL');
      await c.query('ALTER TABLE `users` ALTER COLUMN `elder_mode` SET DEFAULT true');
      await c.query("ALTER TABLE `orders` MODIFY `pay_mode` ENUM('INSURANCE') NOT NULL DEFAULT 'INSURANCE'");
      await c.query('ALTER TABLE `sessions` DROP FOREIGN KEY `sessions_user_id_fkey`');
      await c.query('ALTER TABLE `sessions` ADD CONSTRAINT `sessions_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE');
    });
    const r = await checkDrift(db.url);
    expect(r.differences).toEqual(
      expect.arrayContaining([
        'Column `hospitals`.`city`: type differs: schema VARCHAR(32), database VARCHAR(16).',
        'Column `drugs`.`manufacturer`: nullability differs: schema NOT NULL, database NULL.',
        'Column `users`.`elder_mode`: default differs: schema false, database true.',
        'Column `orders`.`pay_mode`: enum values differ (missing in the database: SELF_PAY).',
        'Foreign key `sessions_user_id_fkey` differs: schema sessions(user_id) → users(id) ON DELETE CASCADE ON UPDATE CASCADE, database sessions(user_id) → users(id) ON DELETE RESTRICT ON UPDATE CASCADE.',
      ]),
    );
    expect(r.differences).toHaveLength(5);
  });

  it('fails on tables that exist on one side only', async () => {
    await withConnection(db.url, async (c) => {
      await c.query('DROP TABLE `settings`');
      await c.query('CREATE TABLE `scratch` (`id` INT PRIMARY KEY) ENGINE=InnoDB');
    });
    const r = await checkDrift(db.url);
    expect(r.differences).toEqual([
      'Table `settings` is in the schema but missing from the database.',
      'Table `scratch` exists in the database but not in the schema.',
    ]);
  });

  it('reports a migration file edited after it was applied, and pending migrations', async () => {
    const dirs = copyMigrations({ '29990101000000_later': '-- AlterTable\nALTER TABLE `users` ADD COLUMN `x` INTEGER NULL;\n' });
    try {
      const first = readFileSync(join(dirs.dir, '20261122060000_init', 'migration.sql'), 'utf8');
      expect(first.length).toBeGreaterThan(0);
      appendFileSync(join(dirs.dir, '20261122060000_init', 'migration.sql'), '\n-- edited\n');
      const r = await checkDrift(db.url, { migrationsDir: dirs.dir });
      expect(r.ok).toBe(false);
      expect(r.differences).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Migration `20261122060000_init` was modified after it was applied: the checksum of its migration\.sql \([0-9a-f]{64}\) no longer matches the applied one \([0-9a-f]{64}\)\.$/),
          'Migration `29990101000000_later` has not been applied to the database.',
        ]),
      );
    } finally {
      dirs.cleanup();
    }
  });

  it('checks the migration files themselves against the schema on a shadow database', async () => {
    const ok = await checkMigrationsMatchSchema(db.url);
    expect(ok.differences).toEqual([]);
    const changed = addToModel(schemaText, 'Drug', '@@index([manufacturer])');
    const bad = await checkMigrationsMatchSchema(db.url, { schemaText: changed });
    expect(bad.differences).toEqual(['Index `drugs_manufacturer_idx` on `drugs`(manufacturer) is in the schema but missing from the database.']);
    const left = await withConnection(db.url, async (c) => (await c.query("SHOW DATABASES LIKE 'ih\\_shadow\\_%'")) as unknown[]);
    expect(left).toEqual([]);
  });

  it('plans the next migration (Prisma format) that makes the database match a changed schema', async () => {
    let changed = addToModel(schemaText, 'Patient', 'occupation String? @map("occupation_code") @db.VarChar(32)');
    changed = addToModel(changed, 'Drug', 'atcCode String @default("") @map("atc_code") @db.VarChar(8)');
    changed = addToModel(changed, 'Drug', '@@index([atcCode])');
    changed = changed.replace('enum PayMode {\n  INSURANCE\n  SELF_PAY\n}', 'enum PayMode {\n  INSURANCE\n  SELF_PAY\n  MIXED\n}');
    changed = changed.replace(/^ *cancelReason +String\? +@map\("cancel_reason"\) @db\.VarChar\(255\)\n/m, '');
    changed += `
model Favorite {
  id        String   @id @default(uuid(7)) @db.Char(36)
  userId    String   @map("user_id") @db.Char(36)
  doctorId  String   @map("doctor_id") @db.Char(36)
  createdAt DateTime @default(now()) @map("created_at")

  @@unique([userId, doctorId])
  @@map("favorites")
}
`;
    const plan = await planMigration(db.url, { schemaText: changed });
    expect(plan).not.toBeNull();
    expect(plan!.warnings).toEqual(['You are about to drop the column `cancel_reason` on the `consultations` table. All the data in the column will be lost.']);
    expect(plan!.script).toContain('ALTER TABLE `patients` ADD COLUMN `occupation_code` VARCHAR(32) NULL;');
    expect(plan!.script).toContain("ALTER TABLE `drugs` ADD COLUMN `atc_code` VARCHAR(8) NOT NULL DEFAULT '';");
    expect(plan!.script).toContain("ALTER TABLE `orders` MODIFY `pay_mode` ENUM('INSURANCE', 'SELF_PAY', 'MIXED') NOT NULL DEFAULT 'INSURANCE';");
    expect(plan!.script).toContain('CREATE TABLE `favorites` (');
    expect(plan!.script).toContain('CREATE INDEX `drugs_atc_code_idx` ON `drugs`(`atc_code`);');
    // Before: drift. After applying the planned script: none.
    expect((await checkDrift(db.url, { schemaText: changed })).ok).toBe(false);
    await withConnection(db.url, async (c) => {
      for (const st of splitStatements(plan!.script)) await c.query(st);
    });
    const after = await checkDrift(db.url, { schemaText: changed });
    expect(after.differences).toEqual([]);
    // Nothing to plan when the migrations already match the schema.
    expect(await planMigration(db.url)).toBeNull();
  });
});
