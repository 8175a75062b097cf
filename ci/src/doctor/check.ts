/** One doctor check's outcome: what it found, and (when something is wrong) which profiles it blocks and the fix. */
export type DoctorProfile = "quick" | "full";

export interface Problem {
  message: string;
  fix: string;
  /** The profiles this problem stops from running here. Empty: a warning only. */
  blocks: DoctorProfile[];
}

export interface CheckResult<T = object> {
  /** Key in the JSON report, e.g. "tfjs". */
  id: string;
  /** Short name, e.g. "tfjs backend". */
  name: string;
  /** One line for the text report. */
  summary: string;
  /** Further lines for the text report. */
  details?: string[];
  /** What the JSON report carries for this check. */
  data: T;
  problems: Problem[];
}
