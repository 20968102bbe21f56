import { describe, expect, it } from 'vitest';
import { backendColour } from './palette.js';

describe('backendColour', () => {
  it('gives every backend of a fleet of up to 64 its own colour (b0 and b9 no longer match)', () => {
    const colours = Array.from({ length: 64 }, (_, i) => backendColour(i));
    expect(new Set(colours).size).toBe(64);
    expect(backendColour(0)).not.toBe(backendColour(9));
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/i);
  });
});
