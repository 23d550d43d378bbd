/**
 * The audit log has only the error number of a failed statement or login. DAS carries the
 * server's error text too, so common numbers get MySQL's message, with what the audit line
 * tells us (user, host, database, the statement) filled in and the rest left out.
 */
export interface ErrorContext {
  user: string;
  host: string;
  database: string;
  /** The statement text, when the error belongs to a QUERY. */
  statement?: string;
}

type Template = (context: ErrorContext) => string;

const FIRST_IDENTIFIER = String.raw`[\`"]?([\w$.]+)[\`"]?`;

function matchFirst(statement: string | undefined, pattern: RegExp): string | undefined {
  return statement === undefined ? undefined : pattern.exec(statement)?.[1];
}

function quoted(name: string | undefined): string {
  return name === undefined ? '' : ` '${name}'`;
}

function qualified(table: string | undefined, database: string): string | undefined {
  if (table === undefined) return undefined;
  return table.includes('.') || database === '' ? table : `${database}.${table}`;
}

const TABLE_AFTER_KEYWORD = new RegExp(String.raw`\b(?:FROM|INTO|UPDATE|TABLE|JOIN)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?${FIRST_IDENTIFIER}`, 'i');
const DATABASE_AFTER_KEYWORD = new RegExp(String.raw`\b(?:USE|DATABASE|SCHEMA)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?${FIRST_IDENTIFIER}`, 'i');

const TEMPLATES: ReadonlyMap<number, Template> = new Map<number, Template>([
  [1044, (c) => `Access denied for user '${c.user}'@'${c.host}' to database '${c.database}'`],
  [1045, (c) => `Access denied for user '${c.user}'@'${c.host}'`],
  [1046, () => 'No database selected'],
  [1048, () => 'Column cannot be null'],
  [1049, (c) => `Unknown database${quoted(matchFirst(c.statement, DATABASE_AFTER_KEYWORD))}`],
  [1050, (c) => `Table${quoted(matchFirst(c.statement, TABLE_AFTER_KEYWORD))} already exists`],
  [1051, (c) => `Unknown table${quoted(qualified(matchFirst(c.statement, TABLE_AFTER_KEYWORD), c.database))}`],
  [1054, () => 'Unknown column'],
  [1062, () => 'Duplicate entry for key'],
  [1064, () => 'You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use'],
  [1065, () => 'Query was empty'],
  [1007, (c) => `Can't create database${quoted(matchFirst(c.statement, DATABASE_AFTER_KEYWORD))}; database exists`],
  [1008, (c) => `Can't drop database${quoted(matchFirst(c.statement, DATABASE_AFTER_KEYWORD))}; database doesn't exist`],
  [1136, () => "Column count doesn't match value count"],
  [1142, (c) => `Command denied to user '${c.user}'@'${c.host}'`],
  [1146, (c) => `Table${quoted(qualified(matchFirst(c.statement, TABLE_AFTER_KEYWORD), c.database))} doesn't exist`],
  [1205, () => 'Lock wait timeout exceeded; try restarting transaction'],
  [1213, () => 'Deadlock found when trying to get lock; try restarting transaction'],
  [1227, () => 'Access denied; you need (at least one of) the required privilege(s) for this operation'],
  [1264, () => 'Out of range value for column'],
  [1292, () => 'Incorrect value'],
  [1317, () => 'Query execution was interrupted'],
  [1366, () => 'Incorrect value for column'],
  [1406, () => 'Data too long for column'],
  [1451, () => 'Cannot delete or update a parent row: a foreign key constraint fails'],
  [1452, () => 'Cannot add or update a child row: a foreign key constraint fails'],
]);

/** MySQL's error text for `errno`, or `""` when the number is 0 or not one we know. */
export function errorMessageFor(errno: number, context: ErrorContext): string {
  if (errno === 0) return '';
  return TEMPLATES.get(errno)?.(context) ?? '';
}
