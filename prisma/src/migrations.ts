/**
 * The migrations directory in Prisma's layout:
 *   migrations/migration_lock.toml              provider = "mysql"
 *   migrations/<yyyyMMddHHmmss>_<name>/migration.sql
 * Checksums are Prisma's: lower-case hex SHA-256 of the migration.sql text (a CRLF/LF variant of
 * the file also matches, as in prisma-engines `checksum.rs`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export const MIGRATION_NAME_RE = /^\d{14}_[a-z0-9_]+$/;

export interface MigrationFile {
  name: string;
  path: string;
  script: string;
  checksum: string;
}

export function checksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** Prisma's comparison: the file as is, with CRLF → LF, or with LF → CRLF. */
export function scriptMatchesChecksum(script: string, expected: string): boolean {
  return [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')].some((s) => checksum(s) === expected);
}

export function readLockProvider(dir: string = MIGRATIONS_DIR): string | null {
  const file = join(dir, 'migration_lock.toml');
  if (!existsSync(file)) return null;
  const line = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .find((l) => l.startsWith('provider'));
  return line ? line.replace(/^provider\s*=\s*/, '').replace(/"/g, '').trim() : '<PROVIDER NOT FOUND>';
}

/** Migration directory names, sorted (the order Prisma applies them in). */
export function listMigrationNames(dir: string = MIGRATIONS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory() && existsSync(join(dir, n, 'migration.sql')))
    .sort();
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const provider = readLockProvider(dir);
  if (provider !== null && provider !== 'mysql') {
    throw new Error(`migration_lock.toml 的 provider 是 "${provider}"，不是 "mysql" / migration_lock.toml provider is "${provider}", expected "mysql"`);
  }
  return listMigrationNames(dir).map((name) => {
    const path = join(dir, name, 'migration.sql');
    const script = readFileSync(path, 'utf8');
    return { name, path, script, checksum: checksum(script) };
  });
}

/**
 * Splits a script into statements on `;` outside quotes and comments. Comments are dropped.
 * (No DELIMITER support: migrations here are plain DDL/DML.)
 */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  const n = script.length;
  while (i < n) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-' && (i + 2 >= n || /\s/.test(script[i + 2]!))) {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (ch === '#') {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      cur += ' ';
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < n) {
        if (script[j] === '\\' && ch !== '`') {
          j += 2;
          continue;
        }
        if (script[j] === ch) {
          if (script[j + 1] === ch) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      cur += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      i++;
      continue;
    }
    cur += ch;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
