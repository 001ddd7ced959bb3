/**
 * DDL rendering in Prisma's MySQL format (prisma-engines `sql-ddl` mysql + `MysqlRenderer`):
 * 4-space indentation, backtick identifiers, `NOT NULL`/`NULL`, `AUTO_INCREMENT` before
 * `DEFAULT`, indexes then PRIMARY KEY after a blank line, `DEFAULT CHARACTER SET utf8mb4 COLLATE
 * utf8mb4_unicode_ci`, foreign keys added afterwards with `ALTER TABLE … ADD CONSTRAINT`.
 * Scripts are steps `-- <Kind>\n<statement>;\n` separated by blank lines, as `migrate dev` writes.
 */
import type { ColumnDef, ForeignKeyDef, IndexColumn, IndexDef, SchemaDef, TableDef } from './model';

const INDENT = '    ';
const q = (name: string): string => '`' + name + '`';

export function renderColumn(c: ColumnDef): string {
  let s = `${q(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ' NULL'}`;
  if (c.autoIncrement) s += ' AUTO_INCREMENT';
  if (c.default !== null) s += ` DEFAULT ${c.default}`;
  return s;
}

function renderIndexColumns(cols: IndexColumn[]): string {
  return cols.map((c) => `${q(c.name)}${c.length ? `(${c.length})` : ''}${c.sort ? ` ${c.sort}` : ''}`).join(', ');
}

function indexKeyword(i: IndexDef): string {
  return i.kind === 'unique' ? 'UNIQUE INDEX' : i.kind === 'fulltext' ? 'FULLTEXT INDEX' : 'INDEX';
}

export function renderCreateTable(t: TableDef): string {
  let s = `CREATE TABLE ${q(t.name)} (\n`;
  s += t.columns.map((c) => INDENT + renderColumn(c)).join(',\n');
  if (t.indexes.length || t.primaryKey.length) s += ',\n\n';
  s += t.indexes.map((i) => `${INDENT}${indexKeyword(i)} ${q(i.name)}(${renderIndexColumns(i.columns)})`).join(',\n');
  if (t.primaryKey.length) {
    if (t.indexes.length) s += ',\n';
    s += `${INDENT}PRIMARY KEY (${renderIndexColumns(t.primaryKey)})`;
  }
  s += '\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';
  return s;
}

export function renderAddForeignKey(table: string, fk: ForeignKeyDef): string {
  return (
    `ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) ` +
    `REFERENCES ${q(fk.referencedTable)}(${fk.referencedColumns.map(q).join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`
  );
}

export function renderDropForeignKey(table: string, name: string): string {
  return `ALTER TABLE ${q(table)} DROP FOREIGN KEY ${q(name)}`;
}

export function renderCreateIndex(table: string, i: IndexDef): string {
  const kw = i.kind === 'unique' ? 'UNIQUE ' : i.kind === 'fulltext' ? 'FULLTEXT ' : '';
  return `CREATE ${kw}INDEX ${q(i.name)} ON ${q(table)}(${renderIndexColumns(i.columns)})`;
}

export function renderDropIndex(table: string, name: string): string {
  return `DROP INDEX ${q(name)} ON ${q(table)}`;
}

export function renderDropTable(table: string): string {
  return `DROP TABLE ${q(table)}`;
}

/** One ALTER TABLE with several clauses, joined the way Prisma does (",\n    "). */
export function renderAlterTable(table: string, clauses: string[]): string {
  return `ALTER TABLE ${q(table)} ${clauses.join(',\n    ')}`;
}

export const clause = {
  addColumn: (c: ColumnDef) => `ADD COLUMN ${renderColumn(c)}`,
  dropColumn: (name: string) => `DROP COLUMN ${q(name)}`,
  modifyColumn: (c: ColumnDef) => `MODIFY ${renderColumn(c)}`,
  dropPrimaryKey: () => 'DROP PRIMARY KEY',
  addPrimaryKey: (cols: IndexColumn[]) => `ADD PRIMARY KEY (${renderIndexColumns(cols)})`,
};

export interface Step {
  /** Prisma's step description: CreateTable, AddForeignKey, DropIndex, AlterTable, … */
  kind: string;
  statements: string[];
}

/** A migration script exactly as Prisma lays it out (warnings block, steps, no trailing blank line). */
export function renderScript(steps: Step[], warnings: string[] = []): string {
  const rendered = steps.filter((s) => s.statements.length > 0);
  if (rendered.length === 0) return '-- This is an empty migration.';
  let script = '';
  if (warnings.length) {
    script += '/*\n  Warnings:\n\n';
    for (const w of warnings) script += `  - ${w}\n`;
    script += '\n*/\n';
  }
  rendered.forEach((step, i) => {
    if (i > 0) script += '\n';
    script += `-- ${step.kind}\n`;
    for (const st of step.statements) script += `${st};\n`;
  });
  return script;
}

/** The whole schema from scratch (the first migration). */
export function renderInitialMigration(schema: SchemaDef): string {
  const steps: Step[] = schema.tables.map((t) => ({ kind: 'CreateTable', statements: [renderCreateTable(t)] }));
  for (const t of schema.tables) {
    for (const fk of t.foreignKeys) steps.push({ kind: 'AddForeignKey', statements: [renderAddForeignKey(t.name, fk)] });
  }
  return renderScript(steps);
}
