// The Ollama-compatible endpoint that counts every client's use (issue 13, part 1).
export { startOllamaEndpoint, type OllamaEndpoint, type OllamaEndpointOptions } from './server.ts';
export { followOllamaEndpointSetting, type FollowedEndpoint } from './follow.ts';
