/**
 * Timestamps as the platform writes them into catalogue files: Java `Date.toString()` in the English locale
 * with the server in China Standard Time, e.g. `Tue Apr 20 10:15:30 CST 2021` (catalogue.md §1.3). The
 * sandbox writes them from a Date; Beijing wall time is computed here, whatever the host's time zone.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const p2 = (n: number) => String(n).padStart(2, '0');

/** `EEE MMM dd HH:mm:ss CST yyyy` for an instant (Beijing time). */
export function javaDateText(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600 * 1000);
  return (
    `${DAYS[t.getUTCDay()]} ${MONTHS[t.getUTCMonth()]} ${p2(t.getUTCDate())} ` +
    `${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())} CST ${t.getUTCFullYear()}`
  );
}

/** Beijing midnight of a calendar date, as an instant. */
export function beijingDay(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m - 1, d) - 8 * 3600 * 1000);
}

/**
 * Open-ended end dates: the platform writes years starting with 999 (NMG special-cases "CST 999"). Real
 * files show 9999-12-31; 9998 and 9990 occur too in the sandbox so a client cannot match one literal.
 */
export function farFutureText(variant: number): string {
  const years = [9999, 9999, 9999, 9998, 9990];
  const y = years[variant % years.length]!;
  return javaDateText(beijingDay(y, 12, 31));
}
