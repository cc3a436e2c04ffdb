import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

describe('Slots', () => {
  it('refuses unsigned requests past their share, and a promoted slot frees the share but not the total', () => {
    const slots = new Slots(4, 2);
    const a = slots.acquire(true)!;
    const b = slots.acquire(true)!;
    expect(slots.acquire(true)).toBeUndefined();
    a.promote();
    a.promote();
    expect([slots.active, slots.unauthenticated]).toEqual([2, 1]);
    const c = slots.acquire(true)!;
    expect(c).toBeDefined();
    expect(slots.acquire(false)).toBeDefined();
    expect(slots.acquire(false)).toBeUndefined();
    // Released once each, whatever was promoted.
    a.release();
    a.release();
    b.release();
    b.promote();
    expect([slots.active, slots.unauthenticated]).toEqual([2, 1]);
    c.release();
    expect([slots.active, slots.unauthenticated]).toEqual([1, 0]);
  });

  it('promoting a signed request’s slot changes nothing', () => {
    const slots = new Slots(2, 1);
    const s = slots.acquire(false)!;
    s.promote();
    expect([slots.active, slots.unauthenticated]).toEqual([1, 0]);
    s.release();
    expect([slots.active, slots.unauthenticated]).toEqual([0, 0]);
  });
});
