/** One pgaudit entry: the `AUDIT: …` message of a server log line, split into its fields. */
export interface PgauditEntry {
  /** `SESSION` (pgaudit.log) or `OBJECT` (pgaudit.role). */
  auditType: string;
  statementId: number;
  substatementId: number;
  /** READ, WRITE, FUNCTION, ROLE, DDL, MISC, MISC_SET. */
  className: string;
  /** The command tag: `SELECT`, `CREATE TABLE`, … */
  command: string;
  objectType: string;
  objectName: string;
  statement: string;
  /** The bound parameters as pgaudit wrote them (`<none>` and `<not logged>` become none). */
  parameters: string[];
}

const PREFIX = 'AUDIT: ';

/**
 * Reads CSV fields the way pgaudit writes them: a field is quoted when it holds a comma, a quote
 * or a line break, and a quote inside it is doubled. Returns the fields and where reading stopped.
 */
function readFields(text: string, from: number, count: number): { fields: string[]; end: number } | null {
  const fields: string[] = [];
  let at = from;
  while (fields.length < count) {
    if (text[at] === '"') {
      let value = '';
      let i = at + 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return null;
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      fields.push(value);
    } else {
      const comma = text.indexOf(',', at);
      const end = comma === -1 ? text.length : comma;
      fields.push(text.slice(at, end));
      at = end;
    }
    if (fields.length < count) {
      if (text[at] !== ',') return null;
      at += 1;
    }
  }
  return { fields, end: at };
}

/** CSV values: the parameter list inside its field (pgaudit quotes the list, and each value in it). */
function readCsvValues(text: string): string[] {
  const values: string[] = [];
  let at = 0;
  for (;;) {
    const read = readFields(text, at, 1);
    if (read === null) return [text];
    values.push(read.fields[0] as string);
    if (read.end >= text.length) return values;
    at = read.end + 1;
  }
}

/**
 * The parameter field after the statement: `<none>`, `<not logged>`, or one CSV field holding
 * the CSV list of values (pgaudit encodes the list, then the list as a field).
 */
function readParameters(text: string): string[] {
  if (text === '' || text === '<none>' || text === '<not logged>') return [];
  const field = readFields(text, 0, 1);
  if (field === null) return [text];
  return readCsvValues(field.fields[0] as string);
}

/** Parses a log message written by pgaudit; null for any other message. */
export function parsePgauditMessage(message: string): PgauditEntry | null {
  if (!message.startsWith(PREFIX)) return null;
  const read = readFields(message, PREFIX.length, 8);
  if (read === null) return null;
  const [auditType, statementId, substatementId, className, command, objectType, objectName, statement] = read.fields as [
    string, string, string, string, string, string, string, string,
  ];
  if (!/^\d+$/.test(statementId) || !/^\d+$/.test(substatementId)) return null;
  const rest = message[read.end] === ',' ? message.slice(read.end + 1) : '';
  return {
    auditType,
    statementId: Number(statementId),
    substatementId: Number(substatementId),
    className,
    command,
    objectType,
    objectName,
    statement,
    parameters: readParameters(rest),
  };
}
