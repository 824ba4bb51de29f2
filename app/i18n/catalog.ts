// A message for the merchant, side by side in both languages so one cannot be added without the
// other (tsc refuses a message missing either; test/unit/i18n.test.ts checks the placeholders).
export type Message = { en: string; sv: string };
export type Messages = Record<string, Message>;

export const defineMessages = <M extends Messages>(messages: M): M => messages;
