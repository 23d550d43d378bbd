// @das/core/statements: what a statement is (category), what it looks like without its values
// (fingerprint) and its text with the values taken out (redaction). No dependency at all.
export { redactStatement, MAX_REDACT_INPUT } from './redact-statement.js';
export {
  leadingWords,
  STATEMENT_CATEGORIES,
  statementCategory,
  statementVerb,
  type StatementCategory,
  type StatementCategoryInput,
} from './statement-category.js';
export { MAX_FINGERPRINT_INPUT, MAX_FINGERPRINT_LENGTH, statementFingerprint, type StatementOptions } from './statement-fingerprint.js';
export { sqlDialectOf, type SqlDialect } from './sql-lexer.js';
