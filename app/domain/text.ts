/**
 * Shortens text to at most `max` UTF-16 units (how field limits are usually counted) without
 * cutting a character in half: a lone surrogate would reach the accounting system as "�".
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const CONTROL = /[\u0000-\u001f\u007f]+/g;

/**
 * Free text as the accounting systems take it: no control characters (a line break pasted into a
 * Shopify address field becomes a space), trimmed, within `max`.
 */
export function cleanText(value: string | undefined, max: number): string {
  return truncate((value ?? "").replace(CONTROL, " ").trim(), max);
}

/** The address shape both accounting systems accept; one they would refuse is left off rather than failing the sale. */
export const plausibleEmail = (email: string | undefined): email is string => !!email && /^[^\s@,;]+@[^\s@,;]+\.[A-Za-z]{2,}$/.test(email);
