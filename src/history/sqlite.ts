/**
 * SQLite for the history store, behind the few calls it makes: Node's own
 * `node:sqlite` where the running Node has it without a flag (22.13 and later,
 * so every current LTS), else the `better-sqlite3` package (an optional
 * dependency, for Node 20). A native module is built for one Node ABI, so a Node
 * that has node:sqlite never loads better-sqlite3 (one built for Node 20 would
 * not load on 24 or 26). Both run the same SQL on the same file format.
 */
import { createRequire } from 'node:module';
import { FxError } from '../model/errors.ts';

/** A prepared statement: positional (`?`) or named (`@name`, passed as an object without the `@`) parameters. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** An open database. */
export interface SqliteDatabase {
  /** Which library opened it. */
  readonly driver: 'node:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** Options of openSqlite. */
export interface SqliteOpenOptions {
  /** Open an existing file for reading only (a missing file is an error). */
  readonly?: boolean;
  /** How long to wait for another connection's lock, ms. */
  timeoutMs?: number;
}

interface NodeSqlite {
  DatabaseSync: new (file: string, options: { readOnly?: boolean; timeout?: number }) => SqliteStatementSource;
}
interface SqliteStatementSource {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}
type BetterSqlite3 = new (
  file: string,
  options: { readonly?: boolean; fileMustExist?: boolean; timeout?: number },
) => SqliteStatementSource;

/** node:sqlite when this Node has it unflagged, else undefined. */
function nodeSqlite(): NodeSqlite | undefined {
  try {
    return process.getBuiltinModule?.('node:sqlite') as NodeSqlite | undefined;
  } catch {
    return undefined; // older Nodes throw for a builtin behind a flag
  }
}

/** Opens (or creates, unless readonly) the SQLite file. Throws FxError (exit 2) when no SQLite library is available. */
export function openSqlite(file: string, opts: SqliteOpenOptions = {}): SqliteDatabase {
  const timeout = opts.timeoutMs ?? 5000;
  const builtin = nodeSqlite();
  let db: SqliteStatementSource;
  if (builtin) {
    db = new builtin.DatabaseSync(file, { readOnly: opts.readonly ?? false });
  } else {
    let Database: BetterSqlite3;
    try {
      Database = createRequire(import.meta.url)('better-sqlite3') as BetterSqlite3;
    } catch (err) {
      throw noSqlite(file, err);
    }
    try {
      db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    } catch (err) {
      // Its native part loads here: not built (install scripts skipped), or built for another Node.
      if (/bindings file|NODE_MODULE_VERSION|ELF|dlopen/i.test((err as Error).message)) throw noSqlite(file, err);
      throw err;
    }
  }
  // Both default to no wait (node:sqlite) or 5 s (better-sqlite3): set it the same way on both.
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(timeout))}`);
  return {
    driver: builtin ? 'node:sqlite' : 'better-sqlite3',
    exec: (sql) => db.exec(sql),
    prepare: builtin ? (sql) => plainRows(db.prepare(sql)) : (sql) => db.prepare(sql),
    close: () => db.close(),
  };
}

function noSqlite(file: string, err: unknown): FxError {
  return FxError.invalid([
    {
      file,
      message: `the history store needs SQLite: node:sqlite (Node ≥ 22.13) or the optional better-sqlite3 package, which did not load on Node ${process.version} (${(err as Error).message.split('\n')[0]})`,
    },
  ]);
}

/** node:sqlite's rows have no prototype; better-sqlite3's are plain objects: both give plain objects here. */
function plainRows(stmt: SqliteStatement): SqliteStatement {
  const plain = (row: unknown) => (row && typeof row === 'object' ? { ...row } : row);
  return {
    run: (...params) => stmt.run(...params),
    get: (...params) => plain(stmt.get(...params)),
    all: (...params) => stmt.all(...params).map(plain),
  };
}

/** The value of a PRAGMA that returns one (e.g. 'user_version', 'journal_mode'). */
export function pragma(db: SqliteDatabase, name: string): unknown {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown> | undefined;
  return row ? Object.values(row)[0] : undefined;
}

/**
 * Runs `fn` in one IMMEDIATE transaction (the write lock taken at BEGIN, waiting
 * up to the busy timeout for another writer): committed when it returns, rolled
 * back when it throws.
 */
export function immediate<T>(db: SqliteDatabase, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {
      /* the transaction is already gone */
    }
    throw err;
  }
}
