/**
 * Ten environments to run a command in for determinism tests: time zones, locales and the
 * order of the environment variables all differ from run to run.
 */
export const VARIATIONS = [
  { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' },
  { TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
  { TZ: 'America/St_Johns', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
  { TZ: 'Asia/Kathmandu', LANG: 'ja_JP.UTF-8', LC_ALL: '' },
  { TZ: 'Etc/GMT+12', LANG: 'ar_EG.UTF-8', LC_ALL: 'ar_EG.UTF-8' },
  { TZ: 'Europe/Istanbul', LANG: 'C.UTF-8', LC_ALL: 'tr_TR' },
  { TZ: 'Australia/Lord_Howe', LANG: 'fr_FR.ISO-8859-1', LC_ALL: 'fr_FR.ISO-8859-1' },
  { TZ: '', LANG: '', LC_ALL: '' },
  { TZ: 'Antarctica/Troll', LANG: 'th_TH.UTF-8', LC_ALL: 'th_TH.UTF-8' },
  { TZ: 'America/Caracas', LANG: 'zh_CN.GB18030', LC_ALL: 'zh_CN.GB18030' },
];

/** process.env with the variation, its variables in an order that depends on the run. */
export function environment(run: number, variation: Record<string, string>): Record<string, string> {
  const entries = Object.entries({ ...process.env, ...variation }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const ordered = run % 2 === 0 ? entries.reverse() : entries.sort(([a], [b]) => (a.length - b.length) * (run % 3 === 0 ? -1 : 1) || (a < b ? -1 : 1));
  return Object.fromEntries(ordered);
}

