import type { RuleId, Severity } from './rules.ts';

/** One problem found in a spec. Lines and columns count from 1. */
export interface LintFinding {
  rule: RuleId;
  severity: Severity;
  /** The file as shown to the user (relative to the working directory when inside it). */
  file: string;
  line: number;
  column: number;
  /** Why it is a problem, in one line. */
  message: string;
  /** How to fix it, in one line. */
  fix: string;
}

/** What the linter learnt about one `protocol(...)` of the spec, from its source and types. */
export interface ProtocolFacts {
  /** Where the `protocol(...)` call is. */
  file: string;
  line: number;
  /** The `type` literals of the message union (the type argument of protocol<M>), when known. */
  messageTypes?: string[];
  /** Each role's declared message handlers (`on` keys) and timers. */
  roles: { role: string; on: string[]; timers: string[] }[];
  /** Message types some role sends (from the sends' types); undefined when some send's type is not known. */
  sentTypes?: string[];
}

/** The result of linting one or more spec files. */
export interface LintReport {
  /** The files analysed: the specs and the local modules they import. */
  files: string[];
  findings: LintFinding[];
  errors: number;
  warnings: number;
  /** Analysis time (ts-morph parse + rules), excluding loading ts-morph itself. */
  seconds: number;
  protocols: ProtocolFacts[];
}
