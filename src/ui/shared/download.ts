/** Saves `data` as a file named `name` through a temporary object URL (what every studio download does). */
export function downloadData(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves `text` as a file named `name`. */
export function downloadText(name: string, text: string, type: string): void {
  downloadData(name, text, type);
}
