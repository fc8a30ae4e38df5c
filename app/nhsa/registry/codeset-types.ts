/**
 * A dictionary (代码标识) as data: code → Chinese name. Regions extend these with 1901; a code
 * outside the set is a warning, never a refusal, unless `closed` says the platform accepts no other.
 */
export interface CodeSet {
  name: string;
  label: string;
  codes: Record<string, string>;
  /** the platform accepts no other value: the client refuses to send one */
  closed?: boolean;
  /** compare "1" and "01" as the same code (sources disagree on padding) */
  lenientPadding?: boolean;
  source: string;
}
