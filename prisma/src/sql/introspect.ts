/**
 * information_schema → the relational model of src/sql/model.ts, with every column type and
 * default normalized into Prisma's rendering so it compares with the schema side directly.
 * Works on MariaDB (JSON = LONGTEXT + CHECK json_valid, quoted literal defaults) and MySQL 8.
 */
import type { Connection } from 'mariadb';
import { quoteString, renderEnumType, type ColumnDef, type FkAction, type ForeignKeyDef, type IndexDef, type SchemaDef, type TableDef } from './model';

export const MIGRATIONS_TABLE = '_prisma_migrations';

interface ColumnRow {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  COLUMN_DEFAULT: string | null;
  IS_NULLABLE: 'YES' | 'NO';
  DATA_TYPE: string;
  COLUMN_TYPE: string;
  EXTRA: string;
}

interface StatRow {
  TABLE_NAME: string;
  INDEX_NAME: string;
  NON_UNIQUE: number | string;
  SEQ_IN_INDEX: number;
  COLUMN_NAME: string;
  SUB_PART: number | null;
  COLLATION: string | null;
  INDEX_TYPE: string;
}

interface FkRow {
  TABLE_NAME: string;
  CONSTRAINT_NAME: string;
  COLUMN_NAME: string;
  REFERENCED_TABLE_NAME: string;
  REFERENCED_COLUMN_NAME: string;
  UPDATE_RULE: string;
  DELETE_RULE: string;
}

export interface IntrospectedTable extends TableDef {
  engine: string | null;
}

export interface IntrospectedSchema extends SchemaDef {
  tables: IntrospectedTable[];
}

/** Normalizes a COLUMN_TYPE (e.g. `int(11)`, `enum('A','B')`, `tinyint(1)`) to Prisma's rendering. */
export function normalizeColumnType(columnType: string, isJson: boolean): string {
  const t = columnType.trim();
  const lower = t.toLowerCase();
  if (isJson || lower === 'json') return 'JSON';
  if (lower.startsWith('enum(')) {
    // Re-render so quoting and spacing match: enum('a','b') → ENUM('a', 'b').
    const values = parseEnumLiteral(t.slice(5, -1));
    return renderEnumType(values);
  }
  const unsigned = /\bunsigned\b/.test(lower);
  const m = /^([a-z]+)(?:\(([^)]*)\))?/.exec(lower);
  if (!m) return t.toUpperCase();
  const base = m[1]!;
  const args = m[2];
  const u = unsigned ? ' UNSIGNED' : '';
  switch (base) {
    case 'int':
    case 'integer':
      return `INTEGER${u}`;
    case 'tinyint':
      return args === '1' && !unsigned ? 'BOOLEAN' : `TINYINT${u}`;
    case 'bool':
    case 'boolean':
      return 'BOOLEAN';
    case 'smallint':
    case 'mediumint':
    case 'bigint':
      return `${base.toUpperCase()}${u}`;
    case 'decimal':
    case 'numeric': {
      const [p, s] = (args ?? '10,0').split(',').map((x) => x.trim());
      return `DECIMAL(${p}, ${s ?? '0'})`;
    }
    case 'char':
    case 'varchar':
    case 'binary':
    case 'varbinary':
    case 'bit':
      return `${base.toUpperCase()}(${args})`;
    case 'datetime':
    case 'timestamp':
    case 'time':
      return args && args !== '0' ? `${base.toUpperCase()}(${args})` : base.toUpperCase();
    default:
      return base.toUpperCase();
  }
}

function parseEnumLiteral(body: string): string[] {
  const values: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (body[i] !== "'") {
      i++;
      continue;
    }
    i++;
    let v = '';
    while (i < body.length) {
      if (body[i] === "'" && body[i + 1] === "'") {
        v += "'";
        i += 2;
      } else if (body[i] === "'") {
        i++;
        break;
      } else {
        v += body[i++];
      }
    }
    values.push(v);
  }
  return values;
}

/**
 * Normalizes COLUMN_DEFAULT to Prisma's rendering. MariaDB reports literals quoted (`'A'`),
 * numbers bare, functions lower-case (`current_timestamp(3)`), and `NULL` for "no default".
 */
export function normalizeDefault(raw: string | null, type: string, nullable: boolean, extra: string, isMariaDb: boolean): string | null {
  if (raw === null) return null;
  if (raw === 'NULL' && (nullable || isMariaDb)) return null;
  const v = raw.trim();
  if (/^current_timestamp(\(\d*\))?$/i.test(v)) {
    const p = /\((\d+)\)/.exec(v)?.[1];
    return `CURRENT_TIMESTAMP(${p ?? '0'})`;
  }
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return quoteString(unescapeLiteral(v.slice(1, -1)));
  if (type === 'BOOLEAN') {
    if (v === '0' || v.toLowerCase() === 'false') return 'false';
    if (v === '1' || v.toLowerCase() === 'true') return 'true';
  }
  // MySQL 8 reports string literals unquoted; expressions carry DEFAULT_GENERATED.
  const isStringType = /^(VARCHAR|CHAR|TEXT|TINYTEXT|MEDIUMTEXT|LONGTEXT|ENUM)/.test(type);
  if (!isMariaDb && isStringType && !/DEFAULT_GENERATED/i.test(extra)) return quoteString(v);
  return v;
}

/** Body of a quoted SQL literal as MariaDB prints it (backslash escapes, doubled quotes) → the string. */
function unescapeLiteral(body: string): string {
  const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && i + 1 < body.length) {
      const n = body[++i]!;
      out += ESC[n] ?? n;
    } else if (ch === "'" && body[i + 1] === "'") {
      out += "'";
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

function fkAction(rule: string): FkAction {
  const r = rule.toUpperCase();
  if (r === 'CASCADE' || r === 'RESTRICT' || r === 'NO ACTION' || r === 'SET NULL' || r === 'SET DEFAULT') return r;
  throw new Error(`unknown referential rule ${rule}`);
}

/** Reads the schema of the connection's current database. `_prisma_migrations` is left out. */
export async function introspect(conn: Connection): Promise<IntrospectedSchema> {
  const [{ db, version }] = (await conn.query('SELECT DATABASE() AS db, VERSION() AS version')) as { db: string; version: string }[] as [{ db: string; version: string }];
  const isMariaDb = /mariadb/i.test(version);

  const tableRows = (await conn.query(
    `SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> ?
     ORDER BY TABLE_NAME`,
    [db, MIGRATIONS_TABLE],
  )) as { TABLE_NAME: string; ENGINE: string | null }[];

  const columnRows = (await conn.query(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE, EXTRA
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [db],
  )) as ColumnRow[];

  // MariaDB's JSON is LONGTEXT with CHECK (json_valid(`col`)).
  const jsonColumns = new Set<string>();
  if (isMariaDb) {
    const checks = (await conn.query(
      `SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`,
      [db],
    )) as { TABLE_NAME: string; CHECK_CLAUSE: string }[];
    for (const c of checks) {
      const m = /^json_valid\(`([^`]+)`\)$/i.exec(c.CHECK_CLAUSE.trim());
      if (m) jsonColumns.add(`${c.TABLE_NAME}.${m[1]}`);
    }
  }

  const statRows = (await conn.query(
    `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [db],
  )) as StatRow[];

  const fkRows = (await conn.query(
    `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME,
            r.UPDATE_RULE, r.DELETE_RULE
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
     WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [db],
  )) as FkRow[];

  const tables: IntrospectedTable[] = tableRows.map((tr) => {
    const name = tr.TABLE_NAME;
    const columns: ColumnDef[] = columnRows
      .filter((c) => c.TABLE_NAME === name)
      .map((c) => {
        const type = normalizeColumnType(c.COLUMN_TYPE, jsonColumns.has(`${name}.${c.COLUMN_NAME}`) || c.DATA_TYPE === 'json');
        const nullable = c.IS_NULLABLE === 'YES';
        return {
          name: c.COLUMN_NAME,
          type,
          notNull: !nullable,
          default: normalizeDefault(c.COLUMN_DEFAULT, type, nullable, c.EXTRA, isMariaDb),
          autoIncrement: /auto_increment/i.test(c.EXTRA),
        };
      });

    const byIndex = new Map<string, StatRow[]>();
    for (const s of statRows.filter((s) => s.TABLE_NAME === name)) {
      const list = byIndex.get(s.INDEX_NAME) ?? [];
      list.push(s);
      byIndex.set(s.INDEX_NAME, list);
    }
    const toCols = (rows: StatRow[]) =>
      rows
        .sort((a, b) => Number(a.SEQ_IN_INDEX) - Number(b.SEQ_IN_INDEX))
        .map((r) => ({
          name: r.COLUMN_NAME,
          ...(r.SUB_PART ? { length: Number(r.SUB_PART) } : {}),
          ...(r.COLLATION === 'D' ? { sort: 'DESC' as const } : {}),
        }));
    const primaryKey = toCols(byIndex.get('PRIMARY') ?? []);
    const indexes: IndexDef[] = [...byIndex.entries()]
      .filter(([n]) => n !== 'PRIMARY')
      .map(([n, rows]) => ({
        name: n,
        kind: rows[0]!.INDEX_TYPE === 'FULLTEXT' ? ('fulltext' as const) : Number(rows[0]!.NON_UNIQUE) === 0 ? ('unique' as const) : ('normal' as const),
        columns: toCols(rows),
      }));

    const byFk = new Map<string, FkRow[]>();
    for (const f of fkRows.filter((f) => f.TABLE_NAME === name)) {
      const list = byFk.get(f.CONSTRAINT_NAME) ?? [];
      list.push(f);
      byFk.set(f.CONSTRAINT_NAME, list);
    }
    const foreignKeys: ForeignKeyDef[] = [...byFk.entries()].map(([n, rows]) => ({
      name: n,
      columns: rows.map((r) => r.COLUMN_NAME),
      referencedTable: rows[0]!.REFERENCED_TABLE_NAME,
      referencedColumns: rows.map((r) => r.REFERENCED_COLUMN_NAME),
      onDelete: fkAction(rows[0]!.DELETE_RULE),
      onUpdate: fkAction(rows[0]!.UPDATE_RULE),
    }));

    return { name, engine: tr.ENGINE, columns, primaryKey, indexes, foreignKeys };
  });

  return { tables };
}
