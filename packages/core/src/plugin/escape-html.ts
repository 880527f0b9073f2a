/** `text` safe inside HTML text and attribute values: for plugins writing report sections. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
