/**
 * schema.prisma → the MySQL schema Prisma would create for it.
 *
 * The DMMF comes from `@prisma/prisma-schema-wasm` (get_dmmf), the same parser the CLI uses.
 * The mapping follows Prisma's MySQL schema calculator and renderer (prisma-engines
 * `sql-schema-connector`): default native types (String → VARCHAR(191), Int → INTEGER,
 * DateTime → DATETIME(3), Boolean → BOOLEAN, Json → JSON …), enums as column ENUMs with the
 * @map'ed values, `@default(now())` → CURRENT_TIMESTAMP(p), no DB default for uuid()/cuid()
 * and @updatedAt, default constraint names `{table}_{cols}_{idx|key|fkey}`, and referential
 * actions defaulting to ON DELETE RESTRICT (SET NULL for optional relations) ON UPDATE CASCADE.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultConstraintName,
  quoteString,
  renderEnumType,
  type ColumnDef,
  type FkAction,
  type ForeignKeyDef,
  type IndexDef,
  type SchemaDef,
  type TableDef,
} from './model';

// The wasm module is CommonJS and synchronous; required lazily so importing @ih/db stays cheap.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wasm = (): typeof import('@prisma/prisma-schema-wasm') => require('@prisma/prisma-schema-wasm');

export const SCHEMA_PATH = join(__dirname, '..', '..', 'schema.prisma');

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  isDefinedOnField: boolean;
  name?: string;
  dbName?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc'; length?: number }[];
}

export interface DmmfEnum {
  name: string;
  values: { name: string; dbName: string | null }[];
  dbName: string | null;
}

export interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

export function readSchema(schemaPath: string = SCHEMA_PATH): string {
  return readFileSync(schemaPath, 'utf8');
}

/** Parses and validates the schema text (throws with Prisma's own error text when invalid). */
export function getDatamodel(schemaText: string): Datamodel {
  let raw: string;
  try {
    raw = wasm().get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    let detail = msg;
    try {
      const parsed = JSON.parse(msg) as { message?: string };
      if (parsed.message) detail = parsed.message;
    } catch {
      /* not JSON */
    }
    throw new Error(`schema.prisma 无效 / schema.prisma is invalid:\n${detail}`);
  }
  return (JSON.parse(raw) as { datamodel: Datamodel }).datamodel;
}

const tableName = (m: DmmfModel): string => m.dbName ?? m.name;
const columnName = (f: DmmfField): string => f.dbName ?? f.name;

/** Prisma's default native type for a scalar type on MySQL. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'VARCHAR(191)',
  Int: 'INTEGER',
  BigInt: 'BIGINT',
  Float: 'DOUBLE',
  Decimal: 'DECIMAL(65, 30)',
  Boolean: 'BOOLEAN',
  DateTime: 'DATETIME(3)',
  Json: 'JSON',
  Bytes: 'LONGBLOB',
};

function renderNativeType(field: DmmfField): string {
  const [name, args] = field.nativeType!;
  const a = args.map((x) => x.trim());
  const paren = a.length ? `(${a.join(', ')})` : '';
  switch (name) {
    case 'Int':
      return 'INTEGER';
    case 'UnsignedInt':
      return 'INTEGER UNSIGNED';
    case 'SmallInt':
    case 'MediumInt':
    case 'BigInt':
      return name.toUpperCase();
    case 'UnsignedSmallInt':
    case 'UnsignedMediumInt':
    case 'UnsignedBigInt':
    case 'UnsignedTinyInt':
      return `${name.slice('Unsigned'.length).toUpperCase()} UNSIGNED`;
    case 'TinyInt':
      return field.type === 'Boolean' ? 'BOOLEAN' : 'TINYINT';
    case 'Decimal':
      return `DECIMAL${paren}`;
    case 'Float':
    case 'Double':
    case 'Date':
    case 'Year':
    case 'Json':
    case 'TinyText':
    case 'Text':
    case 'MediumText':
    case 'LongText':
    case 'TinyBlob':
    case 'Blob':
    case 'MediumBlob':
    case 'LongBlob':
      return name.toUpperCase();
    case 'Char':
    case 'VarChar':
    case 'Binary':
    case 'VarBinary':
    case 'Bit':
    case 'Time':
    case 'DateTime':
    case 'Timestamp':
      return `${name.toUpperCase()}${paren}`;
    default:
      throw new Error(`unsupported native type @db.${name} on field ${field.name}`);
  }
}

function timestampPrecision(field: DmmfField): number {
  const nt = field.nativeType;
  if (nt && (nt[0] === 'DateTime' || nt[0] === 'Timestamp' || nt[0] === 'Time')) {
    return nt[1].length ? Number(nt[1][0]) : 0;
  }
  return 3;
}

function renderDefault(field: DmmfField, enums: Map<string, DmmfEnum>): { sql: string | null; autoIncrement: boolean } {
  if (!field.hasDefaultValue || field.default === undefined) return { sql: null, autoIncrement: false };
  const d = field.default as unknown;
  if (d && typeof d === 'object' && !Array.isArray(d) && 'name' in d) {
    const fn = d as { name: string; args: unknown[] };
    switch (fn.name) {
      case 'autoincrement':
        return { sql: null, autoIncrement: true };
      case 'now':
        return { sql: `CURRENT_TIMESTAMP(${timestampPrecision(field)})`, autoIncrement: false };
      case 'dbgenerated':
        return { sql: fn.args.length ? String(fn.args[0]) : null, autoIncrement: false };
      default:
        // uuid(), cuid(), nanoid(), ulid(): generated by Prisma Client, no database default.
        return { sql: null, autoIncrement: false };
    }
  }
  // Prisma renders no defaults for Json and Bytes columns on MySQL.
  if (field.type === 'Json' || field.type === 'Bytes') return { sql: null, autoIncrement: false };
  if (field.kind === 'enum') {
    const e = enums.get(field.type);
    const v = e?.values.find((x) => x.name === d);
    return { sql: quoteString(v?.dbName ?? String(d)), autoIncrement: false };
  }
  if (typeof d === 'string') {
    if (field.type === 'DateTime') return { sql: quoteString(new Date(d).toISOString().replace('Z', '+00:00')), autoIncrement: false };
    if (field.type === 'String') return { sql: quoteString(d), autoIncrement: false };
    return { sql: d, autoIncrement: false }; // BigInt / Decimal literals arrive as strings
  }
  if (typeof d === 'boolean') return { sql: d ? 'true' : 'false', autoIncrement: false };
  if (typeof d === 'number') return { sql: String(d), autoIncrement: false };
  throw new Error(`unsupported default on field ${field.name}: ${JSON.stringify(d)}`);
}

function referentialAction(explicit: string | undefined, fallback: FkAction): FkAction {
  switch (explicit) {
    case undefined:
      return fallback;
    case 'Cascade':
      return 'CASCADE';
    case 'Restrict':
      return 'RESTRICT';
    case 'NoAction':
      return 'NO ACTION';
    case 'SetNull':
      return 'SET NULL';
    case 'SetDefault':
      return 'SET DEFAULT';
    default:
      throw new Error(`unknown referential action ${explicit}`);
  }
}

/** The MySQL schema that `prisma migrate` would create for this datamodel. */
export function schemaFromDatamodel(dm: Datamodel): SchemaDef {
  const enums = new Map(dm.enums.map((e) => [e.name, e]));
  const models = new Map(dm.models.map((m) => [m.name, m]));

  // Relations are numbered in the order Prisma's parser discovers them (models in order, their
  // relation fields in order); foreign keys of a table are emitted in that order.
  const relationOrder = new Map<string, number>();
  for (const m of dm.models) {
    for (const f of m.fields) {
      if (f.kind === 'object' && f.relationName && !relationOrder.has(f.relationName)) {
        relationOrder.set(f.relationName, relationOrder.size);
      }
    }
  }

  const tables: TableDef[] = dm.models.map((m) => {
    const table = tableName(m);
    const byName = new Map(m.fields.map((f) => [f.name, f]));
    const col = (fieldName: string): string => {
      const f = byName.get(fieldName);
      if (!f) throw new Error(`${m.name}: unknown field ${fieldName}`);
      return columnName(f);
    };

    const columns: ColumnDef[] = m.fields
      .filter((f) => f.kind === 'scalar' || f.kind === 'enum')
      .map((f) => {
        if (f.isList) throw new Error(`${m.name}.${f.name}: scalar lists are not supported on MySQL`);
        let type: string;
        if (f.kind === 'enum') {
          const e = enums.get(f.type);
          if (!e) throw new Error(`unknown enum ${f.type}`);
          type = renderEnumType(e.values.map((v) => v.dbName ?? v.name));
        } else if (f.nativeType) {
          type = renderNativeType(f);
        } else {
          const t = DEFAULT_TYPES[f.type];
          if (!t) throw new Error(`${m.name}.${f.name}: unsupported type ${f.type}`);
          type = t;
        }
        const d = renderDefault(f, enums);
        return { name: columnName(f), type, notNull: f.isRequired, default: d.sql, autoIncrement: d.autoIncrement };
      });

    const idIndex = dm.indexes.find((i) => i.model === m.name && i.type === 'id');
    const primaryKey = idIndex
      ? idIndex.fields.map((f) => ({ name: col(f.name), ...(f.length ? { length: f.length } : {}), ...(f.sortOrder === 'desc' ? { sort: 'DESC' as const } : {}) }))
      : [];

    const indexes: IndexDef[] = dm.indexes
      .filter((i) => i.model === m.name && i.type !== 'id')
      .map((i) => {
        const cols = i.fields.map((f) => ({
          name: col(f.name),
          ...(f.length ? { length: f.length } : {}),
          ...(f.sortOrder === 'desc' ? { sort: 'DESC' as const } : {}),
        }));
        const kind = i.type === 'unique' ? 'unique' : i.type === 'fulltext' ? 'fulltext' : 'normal';
        const name =
          i.dbName ??
          defaultConstraintName(
            table,
            cols.map((c) => c.name),
            kind === 'unique' ? '_key' : '_idx',
          );
        return { name, kind, columns: cols };
      });

    const foreignKeys: (ForeignKeyDef & { order: number })[] = m.fields
      .filter((f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0)
      .map((f) => {
        const target = models.get(f.type)!;
        const targetFields = new Map(target.fields.map((x) => [x.name, x]));
        const fromFields = f.relationFromFields!.map((n) => byName.get(n)!);
        const columns = fromFields.map(columnName);
        const allRequired = fromFields.every((x) => x.isRequired);
        return {
          name: defaultConstraintName(table, columns, '_fkey'),
          columns,
          referencedTable: tableName(target),
          referencedColumns: f.relationToFields!.map((n) => columnName(targetFields.get(n)!)),
          onDelete: referentialAction(f.relationOnDelete, allRequired ? 'RESTRICT' : 'SET NULL'),
          onUpdate: referentialAction(f.relationOnUpdate, 'CASCADE'),
          order: relationOrder.get(f.relationName!) ?? 0,
        };
      })
      .sort((a, b) => a.order - b.order);

    return {
      name: table,
      columns,
      primaryKey,
      indexes,
      foreignKeys: foreignKeys.map(({ order: _order, ...fk }) => fk),
    };
  });

  return { tables };
}

/** Convenience: schema text (or the default schema.prisma) → expected MySQL schema. */
export function expectedSchema(opts: { schemaPath?: string; schemaText?: string } = {}): SchemaDef {
  const text = opts.schemaText ?? readSchema(opts.schemaPath);
  return schemaFromDatamodel(getDatamodel(text));
}

/**
 * Foreign keys whose columns are not the leftmost columns of an index: InnoDB would create an
 * implicit index for them, which the schema does not declare. Returned as plain sentences.
 */
export function foreignKeysWithoutIndex(schema: SchemaDef): string[] {
  const out: string[] = [];
  for (const t of schema.tables) {
    const candidates = [t.primaryKey.map((c) => c.name), ...t.indexes.map((i) => i.columns.map((c) => c.name))];
    for (const fk of t.foreignKeys) {
      const covered = candidates.some((cols) => fk.columns.every((c, i) => cols[i] === c));
      if (!covered) out.push(`Foreign key ${fk.name} on ${t.name}(${fk.columns.join(', ')}) has no index starting with its columns: add @@index([...]) to the model.`);
    }
  }
  return out;
}
