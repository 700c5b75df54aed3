import { useEffect, useRef, useState } from 'react';
import { importFile } from './projectActions';
import { addLocalModel, isGgufFile } from './localModels';
import { isTraceFileName, openTraceFile } from '../run/traceFile';

const hasFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') ?? false;

/**
 * Dropping a file anywhere on the page: a .gguf is added as a local model (Settings opens to
 * show its progress, or why it was refused); a .jsonl(.gz) trace opens as a stopped run of the
 * open project; anything else is imported as a project.
 */
export function FileDrop({ onModelFile }: { onModelFile(): void }) {
  const [over, setOver] = useState(false);
  const opened = useRef(onModelFile);
  useEffect(() => {
    opened.current = onModelFile;
  }, [onModelFile]);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      for (const file of Array.from(e.dataTransfer?.files ?? [])) {
        if (isGgufFile(file)) {
          opened.current();
          void addLocalModel(file);
        } else if (isTraceFileName(file.name)) void openTraceFile(file);
        else void importFile(file);
      }
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!over) return null;
  return (
    <div className="hs-dropzone" data-testid="drop-overlay" aria-hidden="true">
      <div className="hs-dropzone__box">Drop a .harness.json file to import it as a new project, a .jsonl(.gz) trace to open its run, or a .gguf model to run it in this browser</div>
    </div>
  );
}
