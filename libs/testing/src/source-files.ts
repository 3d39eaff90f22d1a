import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Source files under `dir` (relative to `root`), as root-relative paths with `/`, for the
 * architecture tests that read the code itself. Build output and dependencies are not sources; a
 * missing folder has none.
 */
export const sourceFiles = (root: string, dir: string, name: RegExp = /\.ts$/): string[] => {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(root, rel, name);
    return name.test(e.name) ? [rel] : [];
  });
};
