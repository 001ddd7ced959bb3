/**
 * A small relational model of a MySQL schema, shared by the three tools that need one:
 * - `fromDmmf` (src/sql/dmmf.ts): what schema.prisma says the database should look like,
 *   computed the way Prisma's MySQL schema calculator does (types, defaults, constraint names);
 * - `introspect` (src/sql/introspect.ts): what information_schema says it looks like;
 * - `render` (src/sql/render.ts): Prisma-formatted DDL for migrations.
 * Types are kept in Prisma's rendering (`INTEGER`, `VARCHAR(191)`, `ENUM('A', 'B')`, `JSON`,
 * `BOOLEAN`, `DATETIME(3)`) so both sides compare as plain strings.
 */

export type FkAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';

export interface ColumnDef {
  name: string;
  /** Prisma's MySQL rendering of the type, e.g. `VARCHAR(64)`, `ENUM('A', 'B')`. */
  type: string;
  notNull: boolean;
  /** The DEFAULT expression as Prisma renders it (`'A'`, `0`, `false`, `CURRENT_TIMESTAMP(3)`), or null. */
  default: string | null;
  autoIncrement: boolean;
}

export interface IndexColumn {
  name: string;
  length?: number;
  sort?: 'ASC' | 'DESC';
}

export interface IndexDef {
  name: string;
  kind: 'unique' | 'normal' | 'fulltext';
  columns: IndexColumn[];
}

export interface ForeignKeyDef {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: FkAction;
  onUpdate: FkAction;
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  primaryKey: IndexColumn[];
  indexes: IndexDef[];
  foreignKeys: ForeignKeyDef[];
  /** Storage engine, when introspected. */
  engine?: string | null;
}

export interface SchemaDef {
  tables: TableDef[];
}

/** Prisma's MySQL identifier limit. */
export const MAX_IDENTIFIER_LENGTH = 64;

/**
 * Default constraint names, as Prisma's `ConstraintNames` computes them for MySQL:
 * `{table}_{col1}_{col2}{suffix}`, truncated so the whole name stays under 64 characters.
 */
export function defaultConstraintName(table: string, columns: string[], suffix: '_idx' | '_key' | '_fkey'): string {
  let joined = `${table}_${columns.join('_')}`;
  const room = MAX_IDENTIFIER_LENGTH - suffix.length;
  if (joined.length >= room) joined = truncateUtf8(joined, room);
  return joined + suffix;
}

function truncateUtf8(s: string, maxBytes: number): string {
  // Prisma truncates at a char boundary of the UTF-8 byte length; identifiers here are ASCII.
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  let out = buf.subarray(0, maxBytes).toString('utf8');
  while (Buffer.byteLength(out, 'utf8') > maxBytes || out.endsWith('\uFFFD')) out = out.slice(0, -1);
  return out;
}

export function describeColumn(c: ColumnDef): string {
  let s = `${c.type} ${c.notNull ? 'NOT NULL' : 'NULL'}`;
  if (c.autoIncrement) s += ' AUTO_INCREMENT';
  if (c.default !== null) s += ` DEFAULT ${c.default}`;
  return s;
}

export function describeIndexColumns(cols: IndexColumn[]): string {
  return `(${cols.map((c) => `${c.name}${c.length ? `(${c.length})` : ''}${c.sort === 'DESC' ? ' DESC' : ''}`).join(', ')})`;
}

export function describeForeignKey(fk: ForeignKeyDef, table: string): string {
  return `${table}(${fk.columns.join(', ')}) → ${fk.referencedTable}(${fk.referencedColumns.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
}

/** Values of an `ENUM('a', 'b')` type string, or null when the type is not an enum. */
export function enumValues(type: string): string[] | null {
  const m = /^ENUM\((.*)\)$/s.exec(type);
  if (!m) return null;
  const body = m[1]!;
  const values: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (body[i] !== "'") {
      i++;
      continue;
    }
    let v = '';
    i++;
    while (i < body.length) {
      if (body[i] === "'" && body[i + 1] === "'") {
        v += "'";
        i += 2;
      } else if (body[i] === '\\' && i + 1 < body.length) {
        v += body[i + 1];
        i += 2;
      } else if (body[i] === "'") {
        i++;
        break;
      } else {
        v += body[i];
        i++;
      }
    }
    values.push(v);
  }
  return values;
}

export function renderEnumType(values: string[]): string {
  return `ENUM(${values.map(quoteString).join(', ')})`;
}

/** A MySQL string literal the way Prisma writes one (single quotes doubled). */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
