/**
 * Shortens text to at most `max` UTF-16 units (how field limits are usually counted) without
 * cutting a character in half: a lone surrogate would reach the accounting system as "�".
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
