// Alert rules over the activity stream: the rule format and its validation, the built-in rules,
// and the engine that evaluates them on events (isomorphic: typebox only).
export type { AlertCandidate } from './alert-candidate.js';
export { alertIdentity, hash64 } from './alert-candidate.js';
export {
  ALERT_RULE_KINDS,
  ALERT_RULE_SCHEMAS,
  ALERT_SEVERITIES,
  AlertRuleSchema,
  EventRuleSchema,
  FirstSeenRuleSchema,
  RULE_FIELDS,
  RuleFilterSchema,
  RuleMatchSchema,
  StreamHealthRuleSchema,
  SumRuleSchema,
  ThresholdRuleSchema,
  TimeOfDayRuleSchema,
  type AlertRule,
  type AlertRuleKind,
  type AlertSeverity,
  type EventRule,
  type FirstSeenRule,
  type RuleField,
  type RuleFilter,
  type RuleMatch,
  type StreamHealthRule,
  type SumRule,
  type ThresholdRule,
  type TimeOfDayRule,
} from './alert-rule-schema.js';
export { builtInRules, DEFAULT_SENSITIVE_COLUMNS, SYSTEM_SCHEMAS, type BuiltInRuleConfig } from './built-in-rules.js';
export type { StreamSignal } from './kinds/stream-health-kind.js';
export type { EventRef, RuleEvent } from './rule-event.js';
export {
  createRuleEngine,
  ruleDefinitionHash,
  type RuleEngine,
  type RuleEngineOptions,
  type RuleEngineState,
  type RuleState,
} from './rule-engine.js';
export { TEMPLATE_FIELDS, type TemplateField } from './rule-template.js';
export {
  AlertRuleError,
  RULE_ISSUE_CODES,
  validateAlertRule,
  validateAlertRules,
  type RuleIssue,
  type RuleIssueCode,
  type RuleValidationResult,
} from './validate-alert-rule.js';
