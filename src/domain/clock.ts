/** Every "now" in the service comes from one Clock, so the test clock can move all of it at once. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock an admin can set (TEST_CLOCK=1). It follows its base until set; once set it stands still
 * at that instant until set again, like a Stripe test clock, so "one millisecond before the boundary"
 * stays exactly that while a test or a walk-through looks at it.
 */
export class AdjustableClock implements Clock {
  private fixed: Date | null = null;

  constructor(private readonly base: Clock = systemClock) {}

  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : this.base.now();
  }

  set(instant: Date): void {
    this.fixed = new Date(instant.getTime());
  }
}
