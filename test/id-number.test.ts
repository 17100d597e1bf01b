import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, idNumberProblem } from '../src/id-number.js';
import { SHIPPED_CARDS } from './account/platform-fixture.js';

describe('GB 11643 ID numbers', () => {
  it('accepts the virtual cards\' numbers and the contract\'s example, X check digits in either case', () => {
    for (const card of SHIPPED_CARDS.values()) expect(idNumberProblem(card.chip.ef06.idNumber), card.scenario).toBeNull();
    expect(idNumberProblem('111111198101011110')).toBeNull();
    expect(idNumberProblem('33030219850715030x')).toBeNull();
  });

  it('computes the ISO 7064 MOD 11-2 check character', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('33030219850815019')).toBe('2');
  });

  it.each([
    ['too short', '33030219850815019', /18 characters/],
    ['a letter inside', '3303021985081A0192', /18 characters/],
    ['X not last', 'X30302198508150192', /18 characters/],
    ['no such date', '330302198502300192', /birth date/],
    ['a month 13', '330302198513150192', /birth date/],
    ['one digit mistyped', '330302198508150193', /check digit/],
    ['two digits swapped', '330302198508150912', /check digit/],
  ])('refuses %s, without repeating the number', (_what, id, problem) => {
    const said = idNumberProblem(id);
    expect(said).toMatch(problem);
    expect(said).not.toContain(id.slice(0, 10));
  });
});
