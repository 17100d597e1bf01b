/** China keeps one offset all year (UTC+8, no daylight saving): local times and days are this far from UTC. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

const DAY_MS = 86_400_000;

/** Today's date in China (YYYY-MM-DD), worked out once a day instead of at every call. */
export function chinaToday(now: () => number = Date.now): () => string {
  let date = '';
  let until = 0;
  return () => {
    const t = now();
    if (t >= until || t < until - DAY_MS) {
      const local = t + CHINA_OFFSET_MS;
      date = new Date(local).toISOString().slice(0, 10);
      until = t - (local % DAY_MS) + DAY_MS;
    }
    return date;
  };
}
