/**
 * A SLIDING window of `max` requests per `windowMs` per key; each simulator picks the key
 * (Fortnox: client + tenant, Visma: client + endpoint). Only accepted requests are recorded,
 * so a client hammering through 429s is not punished further (and 429s do not count).
 *
 * `maxObserved` is the largest number of accepted requests seen in any window. It is
 * exact: the busiest window can always be slid to end at an accepted request, and at
 * every acceptance we count the requests in the window ending right then.
 */
export class SlidingWindowLimiter {
  private readonly accepted = new Map<string, number[]>();
  maxObserved = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Records and returns true if the request fits, false if it must get a 429. */
  tryAccept(key: string, now = performance.now()): boolean {
    let times = this.accepted.get(key);
    if (!times) this.accepted.set(key, (times = []));
    // Window = (now - windowMs, now]; drop what slid out.
    while (times.length > 0 && times[0] <= now - this.windowMs) times.shift();
    if (times.length >= this.max) return false;
    times.push(now);
    this.maxObserved = Math.max(this.maxObserved, times.length);
    return true;
  }

  /** Milliseconds until `key` has a free slot again (0 when it has one now). */
  msUntilFree(key: string, now = performance.now()): number {
    const times = this.accepted.get(key) ?? [];
    const live = times.filter((t) => t > now - this.windowMs);
    if (live.length < this.max) return 0;
    // The slot frees when the oldest request that keeps the window full slides out.
    return live[live.length - this.max] + this.windowMs - now;
  }

  reset(): void {
    this.accepted.clear();
    this.maxObserved = 0;
  }
}
