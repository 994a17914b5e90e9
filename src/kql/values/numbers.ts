// Numeric text forms: doubles as ADX (.NET Core) prints them.

/** Shortest round-trip decimal digits and the position of the decimal point (x = 0.DIGITS * 10^scale). */
function shortestDigits(x: number): { digits: string; scale: number } {
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), scale: Number(exp) + 1 };
}

function fixedNotation(digits: string, scale: number): string {
  if (scale <= 0) return `0.${'0'.repeat(-scale)}${digits}`;
  if (scale >= digits.length) return digits + '0'.repeat(scale - digits.length);
  return `${digits.slice(0, scale)}.${digits.slice(scale)}`;
}

/**
 * A real as ADX prints it (.NET Core's shortest round-trip `double.ToString()`): `1.5`, `0.0001`,
 * `1E-05`, `1E+15`, `123456789012345`, `1.7976931348623157E+308`, `NaN`, `Infinity`, `-Infinity`.
 * Scientific notation once the decimal point lies beyond max(15, digit count) places or more
 * than three zeros follow the point; the exponent has at least two digits.
 */
export function formatReal(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const { digits, scale } = shortestDigits(x);
  if (scale > Math.max(digits.length, 15) || scale < -3) {
    const exponent = scale - 1;
    const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const expText = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}E${exponent < 0 ? '-' : '+'}${expText}`;
  }
  return sign + fixedNotation(digits, scale);
}

/**
 * A decimal as text. Decimals are held as doubles (documented divergence); .NET prints
 * decimals without exponent, so this does too.
 */
export function formatDecimal(x: number): string {
  if (!Number.isFinite(x)) return formatReal(x);
  if (x === 0) return '0';
  const { digits, scale } = shortestDigits(x);
  return (x < 0 ? '-' : '') + fixedNotation(digits, scale);
}
