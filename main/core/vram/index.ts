// VRAM: capacity from node labels, estimates, recommendations. Used by the cluster side
// and (estimateFromName, estimateVram, CATALOGUE) by the Ollama side.
export { CATALOGUE, findCatalogueModel, type CatalogueModel } from './catalogue.ts';
export { estimate, estimateFromName, estimateFromManifest, estimateFromOllamaFacts, estimateVram, modelFacts, type EstimateOptions, type EstimateSources } from './estimate.ts';
export { fitAcrossUnits, fitOnUnit, freeUnits, type FreeUnit, type UnitFit } from './fit.ts';
export { defaultContext, versionOfImage } from './ollama-rules.ts';
export { registryManifests, DEFAULT_REGISTRY_URL, type ManifestSource } from './registry.ts';
export { computeGpuInfo, ESTIMATE_ANNOTATION } from './allocation.ts';
export { nodeGpuGroups } from './capacity.ts';
export { productVram } from './products.ts';
export { catalogueFits, recommendations, suggestionsFor } from './recommend.ts';
