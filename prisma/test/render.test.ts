import { createConnection } from 'mariadb';
import { randomBytes } from 'node:crypto';
import { splitStatements } from '../src/migrations';
import { compareSchemas } from '../src/sql/compare';
import { expectedSchema, foreignKeysWithoutIndex } from '../src/sql/dmmf';
import { introspect } from '../src/sql/introspect';
import { defaultConstraintName } from '../src/sql/model';
import { renderInitialMigration } from '../src/sql/render';
import { connectionConfig, DEFAULT_DATABASE_URL, quoteIdent, withDatabase } from '../src/url';

const SCHEMA = `
datasource db {
  provider = "mysql"
}

enum Role {
  USER
  ADMIN @map("admin")
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?
  role      Role     @default(USER)
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
  posts     Post[]
}

model Post {
  id        String  @id @default(uuid())
  title     String  @db.VarChar(255)
  published Boolean @default(false)
  authorId  Int
  author    User    @relation(fields: [authorId], references: [id])
  views     BigInt  @default(0)
  meta      Json?
  price     Decimal @db.Decimal(10, 2)
  note      String  @default("it's") @db.Text

  @@index([authorId, title(sort: Desc)])
}
`;

// What \`prisma migrate dev --create-only\` writes for this schema on MySQL.
const EXPECTED = `-- CreateTable
CREATE TABLE \`User\` (
    \`id\` INTEGER NOT NULL AUTO_INCREMENT,
    \`email\` VARCHAR(191) NOT NULL,
    \`name\` VARCHAR(191) NULL,
    \`role\` ENUM('USER', 'admin') NOT NULL DEFAULT 'USER',
    \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`updatedAt\` DATETIME(3) NOT NULL,

    UNIQUE INDEX \`User_email_key\`(\`email\`),
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE \`Post\` (
    \`id\` VARCHAR(191) NOT NULL,
    \`title\` VARCHAR(255) NOT NULL,
    \`published\` BOOLEAN NOT NULL DEFAULT false,
    \`authorId\` INTEGER NOT NULL,
    \`views\` BIGINT NOT NULL DEFAULT 0,
    \`meta\` JSON NULL,
    \`price\` DECIMAL(10, 2) NOT NULL,
    \`note\` TEXT NOT NULL DEFAULT 'it''s',

    INDEX \`Post_authorId_title_idx\`(\`authorId\`, \`title\` DESC),
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE \`Post\` ADD CONSTRAINT \`Post_authorId_fkey\` FOREIGN KEY (\`authorId\`) REFERENCES \`User\`(\`id\`) ON DELETE RESTRICT ON UPDATE CASCADE;
`;

describe('Prisma-format DDL', () => {
  it('renders a schema exactly as prisma migrate does', () => {
    expect(renderInitialMigration(expectedSchema({ schemaText: SCHEMA }))).toBe(EXPECTED);
  });

  it('truncates default constraint names to MySQL’s 64 characters like Prisma', () => {
    const long = defaultConstraintName('a_really_long_table_name_for_testing', ['first_long_column', 'second_long_column'], '_idx');
    expect(long).toHaveLength(64);
    expect(long).toBe('a_really_long_table_name_for_testing_first_long_column_secon_idx');
    expect(defaultConstraintName('t', ['c'], '_fkey')).toBe('t_c_fkey');
  });

  it('declares an index for every foreign key of the real schema', () => {
    expect(foreignKeysWithoutIndex(expectedSchema())).toEqual([]);
  });

  it('round-trips through MariaDB: what it renders introspects back identical', async () => {
    const base = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
    const name = `ih_test_${randomBytes(6).toString('hex')}`;
    const server = await createConnection(connectionConfig(base, { withDatabase: false }));
    await server.query(`CREATE DATABASE ${quoteIdent(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    try {
      const conn = await createConnection(connectionConfig(withDatabase(base, name)));
      try {
        for (const st of splitStatements(EXPECTED)) await conn.query(st);
        const diffs = compareSchemas(expectedSchema({ schemaText: SCHEMA }), await introspect(conn), { checkEngine: true });
        expect(diffs).toEqual([]);
      } finally {
        await conn.end();
      }
    } finally {
      await server.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      await server.end();
    }
  });
});
