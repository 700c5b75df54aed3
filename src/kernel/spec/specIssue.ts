/** What the parser and the migrations report: never a throw, always a located problem. */
export interface SpecIssue {
  /** JSON path in dotted/bracket form, e.g. `agents[2].model`; `` for the document root. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
}
