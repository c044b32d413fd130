import { InvalidArgumentError } from 'commander';

/** An option parser for a whole number from `min` to `max`, naming the flag when the value is not one. */
export function integer(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
      throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}`);
    }
    return value;
  };
}

/** An option parser for a rate: any number from 0 up, naming the flag otherwise. */
export function rate(flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0)
      throw new InvalidArgumentError(`${flag} must be a number ≥ 0`);
    return value;
  };
}
