import type { CatalogueStore, ImportResult } from './store.js';

export interface SeedFiles {
  seedCatalogue: string | undefined;
  seedPolicy: string | undefined;
  seedMapping: string | undefined;
}

/**
 * First start on an empty database: imports the configured catalogue, its payment policy and
 * the item mapping (the samples by default), so the service answers at once. Does nothing
 * when a catalogue is already loaded.
 */
export async function seedCatalogue(catalogue: CatalogueStore, files: SeedFiles): Promise<ImportResult[]> {
  if (catalogue.index.loaded || !files.seedCatalogue) return [];
  const done = [await catalogue.importFile(files.seedCatalogue)];
  if (files.seedPolicy) done.push(await catalogue.importFile(files.seedPolicy, { format: 'policy' }));
  if (files.seedMapping && !catalogue.index.mappingVersion) done.push(await catalogue.importFile(files.seedMapping, { format: 'mapping' }));
  return done;
}
